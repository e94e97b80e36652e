"""Patients who answer by text: each reply recorded, read, and routed to what it answers.

A reply is recorded first, words and all, so nothing a patient wrote is ever lost; then it is
read. STOP and its kin revoke consent to automated texts and calls at once; START gives texts
back. Any other reply answers the last question the patient was asked on that channel (a
delay's choices, an offer's yes or no): an answer to a question still open is acted on; one to a
closed question gets one polite "no longer open"; anything else goes to the desk's list with its
words. A reply from a number several patients share cannot say whose answer it is: only STOP and
START act on it (they speak for the number); the rest goes to the desk. Channels that take
replies (the SMS adapter's inbound endpoint) call `receive_reply`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from serviceplan.app.desk import Desk
from serviceplan.app.permissions import permitted
from serviceplan.app.returning import coming_back
from serviceplan.app.waitlist import OfferAnswer, WaitlistDesk
from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.domain.delay import Delay
from serviceplan.domain.notice import Notice, NoticeKind, notice_key
from serviceplan.domain.notice_record import NoticeRecord, notice_record_id
from serviceplan.domain.opening import Opening
from serviceplan.domain.patient import Patient
from serviceplan.domain.reply import Meaning, Reply, may_revoke, meaning, reply_id_for
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import DelayChoice, Visit, VisitStatus
from serviceplan.errors import (
    DelayNotFound,
    InvalidInput,
    NotAllowedNow,
    NoticeNotFound,
    OpeningNotFound,
    PatientNotFound,
    ReplyNotFound,
    VisitNotFound,
)

CONSENT = "consent"
"""The question a STOP or START answers: whether the patient may be texted at all."""
REVOKED = (Channel.SMS, Channel.VOICE)
"""What a STOP by text revokes: automated texts and calls (47 CFR 64.1200(a)(10))."""
DELAY_ANSWERS = {
    Meaning.KEEP: DelayChoice.WAIT,
    Meaning.LATER: DelayChoice.COME_LATER,
    Meaning.ANOTHER_DAY: DelayChoice.RESCHEDULE,
}
ANSWER_LIFE = timedelta(hours=12)
"""Word that a question closed is useless after this long: it is given up, not sent late."""
OFFER_ANSWERS = frozenset({Meaning.YES, Meaning.NO})
TIME_TAKEN = "wants to keep a time another patient took from the waitlist: book a new one"
SHARED = "sent from a number other patients gave too: whose answer is it?"


class ReplyDesk(Desk):
    """Replies from patients, and the desk's list of those a person must read."""

    @permitted("receive-reply")
    def receive_reply(  # noqa: PLR0913 (a reply has this many facts)
        self,
        patient_id: UUID,
        *,
        channel: Channel,
        words: str,
        reference: str,
        by: Staff,
        shared: bool = False,
        now: datetime | None = None,
    ) -> Reply:
        """Record a reply the patient sent and act on it; return the reply as dealt with.

        `reference` is the channel's own id of the message: the same message received twice is
        one reply, acted on once; one recorded but not yet dealt with (a lost race, a crash
        between the two) is dealt with when it comes again. `shared` says the reply came from a
        number other patients gave too: it is acted on only if it is a STOP or a START.
        """
        at = self.plan.now(now)
        patient = self.plan.load(Patient, patient_id, PatientNotFound)
        channel = checks.member(channel, Channel, "channel")
        found = self.plan.find(reply_id_for(channel, checks.code(reference, "reference")))
        if isinstance(found, Reply):
            if found.patient_id != patient.id:
                raise InvalidInput("reference names another patient's reply")
            if found.outcome is not None:
                return found
            reply = found
        else:
            reply = Reply.receive(
                patient_id=patient.id, channel=channel, words=words, reference=reference, at=at,
                by=by,
            )  # fmt: skip
            self.plan.record(reply)
        self._act(reply, patient, at, by, shared=shared)
        return self.get_reply(reply.id)

    def get_reply(self, reply_id: UUID) -> Reply:
        """Return the reply as recorded now."""
        return self.plan.load(Reply, reply_id, ReplyNotFound)

    def replies_for_desk(self) -> list[Reply]:
        """Return the replies a person must read, oldest first (words and all)."""
        return self.plan.load_many(Reply, self.plan.replies.for_desk(), ReplyNotFound)

    def replies_of(self, patient_id: UUID) -> list[Reply]:
        """Return every reply the patient sent, oldest first."""
        self.plan.exists(Patient, patient_id, PatientNotFound)
        return self.plan.load_many(Reply, self.plan.replies.of_patient(patient_id), ReplyNotFound)

    @permitted("settle-reply")
    def settle_reply(self, reply_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that a person read the reply and dealt with it."""
        reply = self.get_reply(reply_id)
        at = self.plan.now(now)
        if reply.outcome is None:
            reply.hand_to_desk("read by the desk", at, by)
        reply.settle(at, by)
        self.plan.record(reply)

    # -- what a reply does ----------------------------------------------------------------

    def _act(
        self, reply: Reply, patient: Patient, at: datetime, by: Staff, *, shared: bool
    ) -> None:
        said = meaning(reply.words)
        if said in (Meaning.STOP, Meaning.START):
            self._consent(reply, patient, said, at, by)
            return
        if said is Meaning.OTHER and may_revoke(reply.words):
            reply.hand_to_desk(
                "it may ask to stop messages: read it, and record an opt-out", at, by
            )
            self.plan.record(reply)
            return
        if shared:
            reply.hand_to_desk(SHARED, at, by)
            self.plan.record(reply)
            return
        key = self.plan.notice_index.last_question(patient.id, reply.channel)
        if key is None:
            reply.hand_to_desk("no question was asked on this channel", at, by)
            self.plan.record(reply)
            return
        question = self.plan.load(NoticeRecord, notice_record_id(key), NoticeNotFound)
        if question.notice.kind is NoticeKind.DELAY and said in DELAY_ANSWERS:
            self._delay_answer(reply, question, DELAY_ANSWERS[said], at, by)
        elif question.notice.kind is NoticeKind.OFFER and said in OFFER_ANSWERS:
            self._offer_answer(reply, question, said, at, by)
        else:
            reply.hand_to_desk(f"not an answer to the {question.notice.kind.value} asked", at, by)
            self.plan.record(reply)

    def _consent(
        self, reply: Reply, patient: Patient, said: Meaning, at: datetime, by: Staff
    ) -> None:
        """Revoke automated texts and calls (STOP), or give texts back (START)."""
        if said is Meaning.STOP:
            for channel in REVOKED:
                if channel not in patient.opted_out:
                    patient.opt_out(channel=channel, at=at, by=by)
        elif patient.contact.reaches(Channel.SMS) and not patient.can_reach(Channel.SMS):
            patient.give_consent(channel=Channel.SMS, at=at, by=by)
        reply.answer(CONSENT, said, at, by)
        self.plan.record(patient, reply)

    def _delay_answer(
        self, reply: Reply, question: NoticeRecord, choice: DelayChoice, at: datetime, by: Staff
    ) -> None:
        """Record the patient's choice about a delay, while it still matters."""
        notice = question.notice
        assert notice.visit_id is not None  # noqa: S101 (a delay notice names its visit)
        assert question.follows is not None  # noqa: S101 (and its delay)
        visit = self.plan.load(Visit, notice.visit_id, VisitNotFound)
        delay = self.plan.load(Delay, question.follows, DelayNotFound)
        open_still = (
            not delay.is_resolved
            and visit.status is VisitStatus.BOOKED
            and (notice.when is None or at < notice.when)
        )
        if not open_still:
            self._too_late(reply, question, at, by)
            return
        try:
            kept = coming_back(self.plan, visit, choice, at, by)
        except NotAllowedNow:
            reply.hand_to_desk(TIME_TAKEN, at, by)
            self.plan.record(reply)
            return
        visit.record_choice(delay_id=delay.id, choice=choice, at=at, by=by)
        reply.answer(question.key, meaning(reply.words), at, by)
        self.plan.record(visit, reply, *kept)

    def _offer_answer(
        self, reply: Reply, question: NoticeRecord, said: Meaning, at: datetime, by: Staff
    ) -> None:
        """Take or pass on the time offered; a yes too late hears the time is gone."""
        assert question.follows is not None  # noqa: S101 (an offer notice names its opening)
        opening = self.plan.load(Opening, question.follows, OpeningNotFound)
        offer = next(o for o in opening.offers.values() if o.key == question.key)
        desk = WaitlistDesk(self.plan)
        if said is Meaning.YES:
            answer = desk.accept_offer(opening.id, offer.entry_id, by=by, now=at)
            if answer is OfferAnswer.GONE:
                reply.came_too_late(question.key, at, by)  # the opening owes word it is gone
            else:
                reply.answer(question.key, said, at, by)
            self.plan.record(reply)
            return
        if offer not in opening.live_offers(at) or not opening.is_offering:
            self._too_late(reply, question, at, by)
            return
        desk.decline_offer(opening.id, offer.entry_id, by=by, now=at)
        reply.answer(question.key, said, at, by)
        self.plan.record(reply)

    def _too_late(self, reply: Reply, question: NoticeRecord, at: datetime, by: Staff) -> None:
        """Record the reply as too late, and owe the patient one polite word of it."""
        reply.came_too_late(question.key, at, by)
        patient = self.plan.load(Patient, reply.patient_id, PatientNotFound)
        records: list[Any] = [reply]
        key = notice_key(NoticeKind.TOO_LATE, question.key)
        if patient.can_reach(reply.channel) and self.plan.find(notice_record_id(key)) is None:
            notice = Notice(
                key, NoticeKind.TOO_LATE, patient.id, reply.channel, expires=at + ANSWER_LIFE
            )
            records.append(NoticeRecord.request(notice, at, by, follows=reply.id))
        self.plan.record(*records)
