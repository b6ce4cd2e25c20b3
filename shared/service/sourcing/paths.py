"""Document paths of the sourcing space (one place, shared by services and tests)."""

INDEX_META = "search_index/professionals"
NEEDS_TOPIC = "needs-submitted"
SOURCE = "//passerelle.fr/sourcing"


def beneficiary(b: str) -> str:
    return f"beneficiaries/{b}"


def need(b: str, n: str) -> str:
    return f"beneficiaries/{b}/needs/{n}"


def need_version(b: str, n: str, v: int) -> str:
    return f"{need(b, n)}/versions/{v}"


def result(b: str, n: str, v: int) -> str:
    return f"{need(b, n)}/results/{v}"


def mission(b: str, m: str) -> str:
    return f"beneficiaries/{b}/missions/{m}"


def professional(p: str) -> str:
    return f"professionals/{p}"
