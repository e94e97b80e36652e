"""What went wrong talking to the FHIR server, as typed errors a caller can tell apart.

Every error is a `serviceplan.errors.ServicePlanError`. Messages name the operation, the HTTP
status and the OperationOutcome's issue codes, never the resource's content or the server's free
text, which may quote a patient's record.
"""

from __future__ import annotations

from serviceplan.errors import InvalidInput, ServicePlanError


class FhirError(ServicePlanError):
    """Base of every error the FHIR scheduler raises about its server."""


class FhirUnavailable(FhirError):  # noqa: N818 (says what the clinic sees)
    """The server could not be reached: refused, reset, or no answer in time."""


class FhirTimeout(FhirUnavailable):
    """The server did not answer within the configured timeout."""


class FhirHttpError(FhirError):
    """The server answered with an error status (4xx or 5xx)."""

    def __init__(self, operation: str, status: int, issues: tuple[str, ...] = ()) -> None:
        self.operation = operation
        self.status = status
        self.issues = issues
        said = f" ({', '.join(issues)})" if issues else ""
        super().__init__(f"{operation}: the FHIR server answered {status}{said}")


class FhirClientError(FhirHttpError):
    """A 4xx answer: the request was refused and sending it again unchanged will not help."""


class ResourceNotFound(FhirClientError):  # noqa: N818
    """404 or 410: the server has no such resource (or no longer has it)."""


class VersionConflict(FhirClientError):  # noqa: N818
    """409 or 412: someone changed the resource since it was read."""


class FhirServerError(FhirHttpError):
    """A 5xx answer: the server failed; the same request may work later."""


class InvalidResource(FhirError, InvalidInput):  # noqa: N818
    """A resource is not valid FHIR R4, or lacks what the scheduler needs from it."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class UnknownSchedule(ResourceNotFound):
    """The provider's Schedule is not on the server: check the provider-to-schedule mapping."""

    def __init__(self, provider: str, schedule: str) -> None:
        self.provider = provider
        self.schedule = schedule
        FhirError.__init__(self, f"no Schedule/{schedule} on the FHIR server for {provider}")
