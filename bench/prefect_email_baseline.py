"""The alternative the send benchmark measures against: prefect-email as its docs show it.

One `email_send_message` task per message, submitted from a flow, with an
EmailServerCredentials block pointing at the loopback server (SMTPType.INSECURE: no TLS, no
login). Each message is the same reminder our sender sends (subject, HTML, text and its .ics
file), so the difference measured is the sending, not the content. Runs under whatever Prefect
API is configured (the benchmark starts a temporary server with prefect_test_harness).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.outbox import Parts
from bench.prefect_runs import settled_task_runs


@dataclass(frozen=True)
class BaselineRun:
    submitted: int
    completed: int  # task runs the Prefect server recorded as Completed
    seconds: float  # from the first submit to the last task finished


def send_with_prefect_email(messages: Sequence[Parts], host: str, port: int) -> BaselineRun:
    """Send every message as its own prefect-email task inside one flow run; time the tasks."""
    from prefect import flow
    from prefect.futures import wait
    from prefect_email import EmailServerCredentials, SMTPType, email_send_message

    credentials = EmailServerCredentials(
        smtp_server=host, smtp_port=port, smtp_type=SMTPType.INSECURE
    )

    # The messages reach the flow by closure, not as a flow parameter, so Prefect does not
    # validate and store them with the flow run: only the per-message tasks are measured.
    @flow(name="prefect-email-baseline")
    def send_all() -> tuple[int, float]:
        start = time.perf_counter()
        futures: list[Any] = [
            email_send_message.submit(
                email_server_credentials=credentials,
                subject=m.subject,
                msg=m.html,
                msg_plain=m.text,
                email_to=m.to,
                attachments=m.attachments,
            )
            for m in messages
        ]
        wait(futures)
        return len(futures), time.perf_counter() - start

    state = send_all(return_state=True)
    submitted, seconds = state.result()
    assert state.state_details.flow_run_id is not None
    # Untimed: let the server record every task run, so the next measurement does not share
    # the CPU with this one's backlog, and count the completed ones as the server sees them.
    runs = settled_task_runs(state.state_details.flow_run_id, at_least=submitted)
    completed = sum(1 for r in runs if r.state is not None and r.state.is_completed())
    return BaselineRun(submitted, completed, seconds)
