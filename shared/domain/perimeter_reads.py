"""What a contractor (or a manager) reads back of the shared perimeter (A2.1 contracts, A2.2 billing
accounts, A7 property nodes): the answers of get_contract, list_billing_accounts and
list_property_nodes — pure models, the same content as the messages that delivered them."""

from __future__ import annotations

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model
from shared.domain.contract_terms import TermsVersions
from shared.domain.contracts import UpsertBillingAccount, UpsertContract
from shared.domain.property_tree import TreeNode
from shared.domain.territories import RecordClock


class ContractRecord(UpsertContract, RecordClock):
    """What get_contract answers: the contract as stored, as ``contract.changed`` carried it, and the clock of its
    territory (B18: its perimeter's when it names exactly one territory, else its manager's; the one its D2 counts
    in), which the web app shows its times on."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ContractRecord")

    version: int = Field(ge=1, description="1 on creation, +1 on each change: keep the highest.")
    manager_id: str
    updated_at: AwareDatetime
    penalty_terms_versions: TermsVersions = Field(description="A9: every version of the contract's penalty terms "
                                                              "and the one in force today in the contract's "
                                                              "territory (B18).")


class BillingAccountRecord(UpsertBillingAccount):
    """A billing account as stored; for a contractor, ``contract_ids`` lists only its own contracts."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="BillingAccountRecord")

    version: int = Field(ge=1)
    manager_id: str
    updated_at: AwareDatetime


class BillingAccountList(Model):
    """What list_billing_accounts answers, by manager then account id, at most 200."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="BillingAccountList")

    billing_accounts: list[BillingAccountRecord]
    count: int
    truncated: bool


class PropertyNodePage(Model):
    """What list_property_nodes answers: a page of the tree's nodes by node id, retired ones included."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyNodePage")

    manager_id: str
    tree_in_force: bool
    nodes: list[TreeNode]
    count: int
    next_cursor: str | None = Field(description="The last node id scanned: `after` of the next page.")
    more: bool
