"""The platform services' stories: penalties (A9: D2 missed, the days accrued by the deadline timers, one
waived), accounts (B5, D7: requested by the Métropole, created by the operator with a recording Firebase
Auth) and reversibility (A8: Rhône Habitat exports its space, on the platform where its perimeter and
quote stories happened). Every answer and message comes from the real services."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from devtools.contracts.platform import Platform
from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import (
    CONTRACT_ID, CONTRACTOR_ID, MANAGER_ID, MANAGER_UID, UPSERT_CONTRACT,
)
from devtools.contracts.stories_perimeter import refused
from devtools.contracts.stories_sourcing import BENEFICIARY_ID, BENEFICIARY_UID, OPERATOR_UID
from shared.domain.contracts import UpsertContract
from shared.domain.errors import ErrorDetail
from shared.domain.identity import ChangePassword, CreateAccount, RequestAccount
from shared.domain.messages import EventType
from shared.domain.penalties import DecisionAction, statement_csv
from shared.service import accounts, contracts, deadlines, exports, listings, onboarding

PENALTY_DECISION_REASON = "Retard dû à l'indisponibilité de notre propre service informatique."
REQUEST_ACCOUNT: dict[str, Any] = {"email": "Marc.Petit@grandlyon.example.fr", "display_name": "Marc Petit",
                                   "rights": ["needs.read", "needs.write"], "territory": "69"}


class PenaltyStory:
    """D2 (a first message within a month of the signature) missed by Acme: three days of P1 in April."""

    def __init__(self) -> None:
        p = self.platform = Platform("penalties", "2026-03-01T08:00:00Z")
        p.seed(f"contractors/{CONTRACTOR_ID}", {"name": "Acme Maintenance", "managers": [MANAGER_ID]})
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            contracts.upsert_contract(MANAGER_ID, UpsertContract.model_validate_json(json.dumps(
                {**UPSERT_CONTRACT, "signed_on": "2026-03-01"})), p.uow(), p.clock)
        p.at("2026-04-03T09:00:00Z")  # Cloud Tasks calls accrue_penalties with each timer due
        p.fire_timers()
        entries = deadlines.entries_of_deadline(p.uow(), MANAGER_ID, onboarding.deadline_id(CONTRACT_ID))
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            p.at("2026-04-03T10:12:00Z")
            self.decision = {"entry_id": entries[1].entry_id, "action": "waive", "reason": PENALTY_DECISION_REASON}
            self.entry = deadlines.decide_penalty(p.uow(), MANAGER_ID, entries[1].entry_id, DecisionAction.WAIVE,
                                                  PENALTY_DECISION_REASON, MANAGER_UID, p.clock)
            self.not_allowed = refused(lambda: deadlines.decide_penalty(
                p.uow(), MANAGER_ID, entries[0].entry_id, DecisionAction.UPHOLD, "Contestation rejetée.", MANAGER_UID,
                p.clock))
            self.statement = deadlines.monthly_statement(p.uow(), MANAGER_ID, CONTRACTOR_ID, None, "2026-04")
        self.csv = statement_csv(self.statement).decode("utf-8")


class AccountStory:
    """The Métropole asks for an account for a colleague; the operator creates it (D7 met) with a temporary
    password, which the colleague replaces with its own at first sign-in (B15)."""

    def __init__(self) -> None:
        p = self.platform = Platform("accounts", "2026-03-10T09:05:00Z")
        p.seed(f"beneficiaries/{BENEFICIARY_ID}", {"name": "Métropole de Lyon"})  # registered (the registry of tenants)
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            self.request = accounts.request_account(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID,
                                                    RequestAccount.model_validate_json(json.dumps(REQUEST_ACCOUNT)),
                                                    p.uow(), p.clock)
        with p.as_(OPERATOR_UID, "operator", "platform"):  # the operator's list of pending requests
            p.at("2026-03-11T09:00:00Z")
            self.pending_requests = listings.list_account_requests({"status": "pending"}, p.uow(), p.clock)
        self.create_body = {"email": "marc.petit@grandlyon.example.fr", "display_name": "Marc Petit",
                            "role": "beneficiary", "tenant": BENEFICIARY_ID, "rights": ["needs.read", "needs.write"],
                            "request_id": self.request.request_id, "password": "Provisoire-Lyon-0311"}
        with p.as_(OPERATOR_UID, "operator", "platform"):
            p.at("2026-03-11T14:30:00Z")
            self.weak_and_right = refused(lambda: self._create({**self.create_body, "password": "metropolelyon",
                                                                 "rights": ["needs.read", "professionals.write"]}))
            self.request_not_found = refused(lambda: self._create({**self.create_body,
                                                                    "request_id": "acc-0000000000000000dead"}))
            self.role_mismatch = refused(lambda: self._create({**self.create_body, "role": "manager"}))
            self.created = self._create(self.create_body)
        with p.as_(self.created["uid"], "beneficiary", BENEFICIARY_ID):
            p.at("2026-03-11T15:02:40Z")  # Marc signs in with the temporary password, then chooses its own
            self.weak_new_password = refused(lambda: self._change({"new_password": "marcpetit"}))
            self.change_body = {"new_password": "Grand-Lyon-Besoins-2026"}
            self.password_changed = self._change(self.change_body)
        with p.as_(OPERATOR_UID, "operator", "platform"):  # B5: Marc leaves; the operator disables his account
            p.at("2026-09-30T17:45:00Z")
            self.disable_body = {key: value for key, value in self.create_body.items()
                                 if key not in ("password", "request_id")} | {"disabled": True}
            self.disabled = self._create(self.disable_body)
            self.account_list = accounts.list_accounts(p.uow(), BENEFICIARY_ID)
        self.list_forbidden = [ErrorDetail.of("query.tenant", "FORBIDDEN")]
        self.list_bad_query = [ErrorDetail.of("query.tenant", "REQUIRED")]

    def _change(self, body: dict[str, Any]) -> dict[str, Any]:
        command = ChangePassword.model_validate_json(json.dumps(body))
        return accounts.change_own_password(self.created["uid"], command, self.platform.identity,
                                            self.platform.uow(), self.platform.clock).model_dump(mode="json")

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        command = CreateAccount.model_validate_json(json.dumps(body))
        return accounts.create_account(command, self.platform.identity, self.platform.uow(), self.platform.clock)


class ExportStory:
    """Rhône Habitat exports its space at the end of June: queued, running, then completed."""

    def __init__(self, quotes: Any) -> None:
        p = self.platform = quotes.platform  # after the perimeter and quote stories: a space worth exporting
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            p.at("2026-06-30T16:02:11.408Z")
            self.pending = exports.request_export("manager", MANAGER_ID, MANAGER_UID, p.uow(), p.clock, new_id=p.ids)
            self.requested = p.last(EventType.EXPORT_REQUESTED.value)
        job_id = self.pending["job_id"]

        def while_running() -> None:  # GET export_space while run_export reads the space
            self.running = exports.export_status(job_id, MANAGER_ID, p.uow(), p.archive)
            p.at(p.clock.now() + dt.timedelta(seconds=95, microseconds=879_000))

        p.at("2026-06-30T16:02:12.051Z")  # run_export, pushed the job
        p.archive.on_walk = while_running
        exports.run_export(job_id, p.uow(), p.archive, p.clock)
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            p.at("2026-06-30T16:04:02.310Z")
            self.completed = exports.export_status(job_id, MANAGER_ID, p.uow(), p.archive)


@examples
def platform_examples(stories: Any) -> dict[str, list[Any]]:
    pen, acc, exp = stories.penalties, stories.accounts, stories.exports
    return {
        "PenaltyDecisionRequest": [pen.decision],
        "PenaltyEntry": [pen.entry.model_dump(mode="json")],
        "Statement": [pen.statement.model_dump(mode="json")],
        "RequestAccount": [REQUEST_ACCOUNT],
        "AccountRequest": [acc.request.model_dump(mode="json")],
        "CreateAccount": [acc.create_body],
        "AccountCreated": [acc.created, acc.disabled],
        "AccountList": [acc.account_list],
        "ChangePassword": [acc.change_body],
        "PasswordChanged": [acc.password_changed],
        "ExportJob": [exp.pending, exp.running, exp.completed],
        "ExportRequested": [exp.requested[1]],
    }
