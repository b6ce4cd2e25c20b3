"""Every entry point, so that one source tree deploys them all (entry point = function name)."""

from functions.change_order_state import change_order_state
from functions.get_order import get_order
from functions.publish_execution import publish_execution
from functions.receive_order import receive_order
from functions.relay_outbox import relay_outbox
from functions.submit_execution import submit_execution
from functions.accrue_penalties import accrue_penalties
from functions.decide_penalty import decide_penalty
from functions.get_penalty_statement import get_penalty_statement

__all__ = [
    "change_order_state",
    "get_order",
    "publish_execution",
    "receive_order",
    "relay_outbox",
    "submit_execution",
    "accrue_penalties",
    "decide_penalty",
    "get_penalty_statement",
]
