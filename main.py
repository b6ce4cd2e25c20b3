"""Every entry point, so that one source tree deploys them all (entry point = function name)."""

from functions.change_order_state import change_order_state
from functions.get_order import get_order
from functions.publish_execution import publish_execution
from functions.receive_order import receive_order
from functions.relay_outbox import relay_outbox
from functions.submit_execution import submit_execution

__all__ = [
    "change_order_state",
    "get_order",
    "publish_execution",
    "receive_order",
    "relay_outbox",
    "submit_execution",
]
