"""A12 technical documentation: what the connector guides show is what the platform accepts and answers.

Every block of both guides says what it is (tests/guide_samples.py); each message example is validated by
the model of its CloudEvents type, as docs/contracts/asyncapi.json names it; the rejected report of
section 7 gets, from the platform's own service, exactly the reply the guide prints; and the French guide's
programs are the English guide's. tests/functional/test_connector_guide.py runs the programs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools import contracts
from shared.domain.messages import EventType, Reply
from shared.domain.orders import Order, OrderState
from shared.ports import InboundMessage
from shared.service.executions import record_execution
from tests.builders import issue_order_body
from tests.fakes import World
from tests.guide_samples import GUIDES, KINDS, Sample, program_shape, programs, samples

ASYNCAPI = Path(__file__).resolve().parents[2] / "docs" / "contracts" / "asyncapi.json"
EXTENSIONS = {"python": ".py", "sh": ".sh"}
MESSAGES = [sample for path in GUIDES.values() for sample in samples(path) if sample.kind == "message"]


def model_of(ce_type: str):
    """The pydantic model of a CloudEvents type, through the AsyncAPI document generated from the models."""
    asyncapi = json.loads(ASYNCAPI.read_text(encoding="utf-8"))
    for message in asyncapi["components"]["messages"].values():
        header = asyncapi["components"]["schemas"][message["headers"]["$ref"].rsplit("/", 1)[1]]
        if header["properties"]["ce-type"].get("const") == ce_type:
            return contracts.SCHEMAS[message["payload"]["$ref"].rsplit("/", 1)[1]][0]
    raise LookupError(f"no message of type {ce_type} in asyncapi.json")


@pytest.mark.parametrize("language", sorted(GUIDES))
def test_every_block_of_a_guide_says_whether_it_is_a_program_a_message_or_a_fragment(language):
    # Given every fenced block of the guide
    found = samples(GUIDES[language])
    assert len(found) > 10
    # Then each is announced by its marker, and what is run or validated is named and written in its language
    assert [str(s) for s in found if s.kind not in KINDS] == []
    for sample in found:
        if sample.kind == "program":
            assert sample.name and sample.name.endswith(EXTENSIONS[sample.language]), sample
        if sample.kind == "message":
            assert sample.language == "json" and sample.name and sample.name.startswith("fr.passerelle."), sample
    names = [s.name for s in found if s.kind == "program"]
    assert len(names) == len(set(names)) >= 9


def test_the_french_guide_shows_the_same_programs_and_messages_in_the_same_order():
    # Given the blocks of both guides
    english, french = samples(GUIDES["en"]), samples(GUIDES["fr"])
    # Then they are the same samples, in the same places of the guide
    assert [(s.kind, s.name, s.language) for s in french] == [(s.kind, s.name, s.language) for s in english]
    for en, fr in zip(english, french):
        # And each French program does what the English one does: only comments and printed text differ
        if en.kind == "program":
            assert program_shape(fr) == program_shape(en), f"{fr} differs from {en} in more than its wording"
        # And the messages are the same bodies
        if en.kind == "message":
            assert json.loads(fr.code) == json.loads(en.code), f"{fr} differs from {en}"


def test_the_shape_of_a_program_ignores_its_wording_but_not_what_it_does():
    # Given a program, its translation, and a version that reads another field
    def program(code: str) -> Sample:
        return Sample("guide.md", 1, "program", "p.py", "python", code)

    english = program('x = {"ce-type": "t"}  # a comment\nprint(f"order {x[\'ce-type\']}: accepted")\n')
    french = program('x = {"ce-type": "t"}  # un commentaire\nprint(f"commande {x[\'ce-type\']} : acceptée")\n')
    other = program('x = {"ce-type": "t"}\nprint(f"order {x[\'ce-id\']}: accepted")\n')
    # Then the translation has the same shape, the other version does not
    assert program_shape(french) == program_shape(english) != program_shape(other)


@pytest.mark.parametrize("sample", MESSAGES, ids=str)
def test_every_message_example_is_accepted_by_the_model_of_its_type(sample):
    # When the example is parsed by the model of its ce-type
    parsed = model_of(sample.name).model_validate_json(sample.code)
    # Then it is a valid message, and a reply is of the type its status says
    if isinstance(parsed, Reply):
        assert parsed.event_type.value == sample.name, sample


def test_the_rejected_report_of_section_7_gets_exactly_the_reply_the_guide_shows():
    # Given the guide's report (sequence 3, in_progress without actual_start) and the reply it prints
    by_type = {s.name: s for s in reversed(samples(GUIDES["en"])) if s.kind == "message"}
    report = by_type[EventType.EXECUTION_REPORTED.value].code
    shown = Reply.model_validate_json(by_type[EventType.REPLY_REJECTED.value].code)
    body = json.loads(report)
    # And the order as the guide describes it: scheduled, its last accepted report sequence 2
    world = World(shown.received_at)
    order = Order.model_validate({**issue_order_body(body["order_id"], contractor_id="ctr-acme"),
                                  "manager_id": body["manager_id"], "state": OrderState.SCHEDULED,
                                  "last_sequence": 2}, strict=False)
    world.seed_order(order)
    world.seed_contractor("ctr-acme", (body["manager_id"],))
    # When the platform's service records it, received when the guide says
    message = InboundMessage(contractor_id="ctr-acme", channel=shown.in_reply_to.channel,
                             source=shown.in_reply_to.source, id=shown.in_reply_to.id, type=shown.in_reply_to.type,
                             received_at=shown.received_at, data=report.encode())
    reply = record_execution(message, world.uow(), world.clock)
    # Then its reply is the guide's, field for field and word for word, and nothing changed
    assert reply.model_dump(mode="json") == shown.model_dump(mode="json")
    assert world.order(body["manager_id"], body["order_id"]).state is OrderState.SCHEDULED


def test_the_programs_of_both_guides_are_those_the_functional_test_runs():
    # The functional test runs every program of the English guide; the French ones are the same (above).
    from tests.functional.test_connector_guide import RUN_ORDER

    assert sorted(RUN_ORDER) == sorted(programs(GUIDES["en"])) == sorted(programs(GUIDES["fr"]))
