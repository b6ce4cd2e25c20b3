"""Alerts of infra/terraform/monitoring.tf: each exists, notifies the channels and names its runbook
entry in infra/terraform/README.md; the log-based metrics match what the Python code logs (the
log lines are produced by the real services and formatted by shared/logs.py, as on Cloud Run)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shutil
import subprocess
from typing import Any

import pytest

from shared.domain.incidents import AcknowledgeIncident, ReportIncident
from shared.domain.messages import EventType
from shared.logs import CloudLoggingFormatter
from shared.ports import OutboxMessage
from shared.service import incidents as incidents_svc
from shared.service import outbox
from shared.service.audit_check import check_audit_witness
from tests.fakes import FixedClock, World
from tests.unit.test_terraform import (
    EMULATORS_FILE,
    TERRAFORM_DIR,
    _load_terraform,
    _public_functions,
    _single_block,
    _uptime_functions,
)

README = TERRAFORM_DIR / "README.md"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

# Alert policy → the runbook entry its documentation must name.
ALERTS = {
    "function_5xx": "Function answering 5xx",
    "outbox_stuck": "Outbox not draining",
    "erp_subscriptions": "ERP not pulling",
    "dead_letters": "Dead letters",
    "scheduler_failures": "Scheduler job failed",
    "sev1_incident_unacknowledged": "Severity-1 incident unacknowledged",
    "urgent_incident_reported": "Severity-1 or -2 incident reported",
    "web_app_uptime": "Web app unreachable",
    "functions_uptime": "Public function unreachable",
    "availability_budget": "Availability budget burning",
    "audit_chain_broken": "Audit chain broken",
    "audit_check_missing": "Audit check not running",
}


@pytest.fixture(scope="module")
def terraform() -> dict[str, dict[str, Any]]:
    return _load_terraform()


@pytest.fixture(scope="module")
def policies(terraform) -> dict[str, Any]:
    return terraform["resource"]["google_monitoring_alert_policy"]


def _text(value: Any) -> str:
    """An HCL string with its escaped quotes plain, whichever way the parser kept them."""
    return str(value).replace('\\"', '"')


def _runbook_entries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Runbook\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^### (.+)$", section, re.M)


def _condition(policy: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c[kind][0] for c in policy["conditions"] if kind in c]


def _json_lines(caplog, message: str) -> list[dict[str, Any]]:
    """The log records of ``message`` as Cloud Logging receives them (one JSON object each)."""
    formatter = CloudLoggingFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.getMessage() == message]


def _assert_filter_matches(log_filter: str, entry: dict[str, Any]) -> None:
    """The metric's filter selects ``entry``: same message, and the fields of one of its OR
    alternatives (all of them without OR) exist in the line."""
    log_filter = _text(log_filter)
    assert f'jsonPayload.message="{entry["message"]}"' in log_filter
    alternatives = [set(re.findall(r"jsonPayload\.(\w+)", part)) - {"message"} for part in log_filter.split(" OR ")]
    assert any(fields <= set(entry) for fields in alternatives), (alternatives, sorted(entry))


# --- every alert ------------------------------------------------------------------------------------


def test_every_alert_of_the_brief_exists_and_names_a_runbook_entry(policies):
    # Given the alert policies and the README's runbook
    entries = _runbook_entries()
    # When reading each policy's documentation
    named = {name: _single_block(policies[name], "documentation")["content"] for name in ALERTS}
    # Then each expected alert exists and points at its own entry, and no entry is orphaned
    assert set(policies) == set(ALERTS)
    for name, entry in ALERTS.items():
        assert f'"{entry}"' in _text(named[name]), name
        assert "${local.runbook}" in named[name], name
    assert sorted(entries) == sorted(ALERTS.values())


def test_every_alert_notifies_the_channels_of_the_variables(terraform, policies):
    # Given the notification channels built from the variables
    channels = terraform["locals"]["notification_channels"]
    # When reading the channels of every policy
    # Then all notify the e-mail channel (if any) and every channel given as a variable
    assert "google_monitoring_notification_channel.ops_email[*].id" in channels
    assert "var.notification_channels" in channels
    assert {name: p["notification_channels"] for name, p in policies.items()
            if p["notification_channels"] != "${local.notification_channels}"} == {}
    assert terraform["variable"]["notification_channels"]["default"] == []


def test_5xx_are_measured_per_function_as_a_rate_with_a_floor(policies):
    # Given the 5xx alert
    query = _condition(policies["function_5xx"], "condition_prometheus_query_language")[0]["query"]
    # When reading its query
    # Then it is a ratio of 5xx to all requests per Cloud Run service (one per function), with a minimum count
    assert query.count('response_code_class="5xx"') == 2
    assert query.count("sum by (service_name)") == 3
    assert ">= 0.05" in query and ">= 3" in query


def test_erp_pull_subscriptions_are_watched_for_backlog_and_age(policies):
    # Given the ERP alert
    thresholds = _condition(policies["erp_subscriptions"], "condition_threshold")
    # When reading its metrics
    filters = [_text(c["filter"]) for c in thresholds]
    # Then backlog and oldest unacked age of every *-erp subscription, one incident per subscription
    assert any("subscription/num_undelivered_messages" in f for f in filters)
    assert any("subscription/oldest_unacked_message_age" in f for f in filters)
    assert all('subscription_id = ends_with("-erp")' in f for f in filters)
    assert all(c["aggregations"][0]["group_by_fields"] == ["resource.label.subscription_id"] for c in thresholds)


def test_dead_letters_of_every_topic_are_watched(terraform, policies):
    # Given the dead-letter alert and the ops subscriptions of every dead-letter topic
    condition = _condition(policies["dead_letters"], "condition_threshold")[0]
    ops = [b["name"] for b in terraform["resource"]["google_pubsub_subscription"].values()
           if "dead_letter" in b["topic"]]
    # When reading what it watches
    # Then every ops subscription matches its filter (contractor and platform topics alike)
    assert ops and all(name.endswith("-dead-letter-ops") for name in ops)
    assert 'subscription_id = ends_with("-dead-letter-ops")' in _text(condition["filter"])
    assert condition["threshold_value"] == 0


def test_scheduler_job_failures_are_alerted_per_job(policies):
    # Given the scheduler alert
    condition = _condition(policies["scheduler_failures"], "condition_matched_log")[0]
    # When reading its log filter
    # Then any failed attempt of any job opens an incident naming the job, at most one mail an hour
    assert _text(condition["filter"]) == 'resource.type="cloud_scheduler_job" AND severity>=ERROR'
    assert condition["label_extractors"] == {"job_id": "EXTRACT(resource.labels.job_id)"}
    strategy = _single_block(policies["scheduler_failures"], "alert_strategy")
    assert _single_block(strategy, "notification_rate_limit")["period"] == "3600s"


def test_the_web_app_is_checked_from_outside(terraform, policies):
    # Given the uptime check and its alert
    check = terraform["resource"]["google_monitoring_uptime_check_config"]["web_app"]
    condition = _condition(policies["web_app_uptime"], "condition_threshold")[0]
    # When reading what it requests
    http = _single_block(check, "http_check")
    resource = _single_block(check, "monitored_resource")
    # Then GET https://<the Firebase Hosting site>/ and the alert watches that check
    assert (http["path"], http["port"], http["use_ssl"]) == ("/", 443, True)
    assert resource["labels"]["host"] == "${local.web_host}"
    assert "google_monitoring_uptime_check_config.web_app.uptime_check_id" in condition["filter"]


def test_every_public_function_is_checked_from_outside_with_the_method_it_serves(terraform, policies):
    # Given the functions' uptime checks, the functions Terraform deploys and the alert
    checked = _uptime_functions(terraform)
    check = terraform["resource"]["google_monitoring_uptime_check_config"]["functions"]
    condition = _condition(policies["functions_uptime"], "condition_threshold")[0]
    # Then every public function is checked, and nothing else: the ones the emulator catalogue has called
    # by a role with its token (the others are Pub/Sub pushes, Cloud Scheduler and Cloud Tasks targets)
    called_by_a_role = {name for name, spec in json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))[
        "functions"].items() if "role" in spec}
    assert set(checked) == _public_functions(terraform) == called_by_a_role
    assert {"receive_order", "submit_execution", "store_report", "get_order", "list_messages"} <= set(checked)
    assert check["for_each"] == "${local.uptime_functions}"
    # And each is called at its deployed path with the method its handler serves (405 otherwise), no token,
    # and must answer the platform's own 401
    for name, method in checked.items():
        source = (TERRAFORM_DIR.parents[1] / "functions" / f"{name}.py").read_text(encoding="utf-8")
        served = re.search(r"methods=\(([^)]*)\)", source)
        assert f'"{method}"' in (served[1] if served else '"POST"'), name
    http = _single_block(check, "http_check")
    assert (http["path"], http["request_method"], http["port"], http["use_ssl"]) == (
        '/${replace(each.key, "_", "-")}', "${each.value}", 443, True)
    assert _single_block(http, "accepted_response_status_codes")["status_value"] == 401
    assert "UNAUTHENTICATED" in _single_block(check, "content_matchers")["content"]
    assert _single_block(check, "monitored_resource")["labels"]["host"] == "${local.functions_host}"
    # And the alert watches every check on that host, one series per check
    assert "resource.label.host" in condition["filter"] and "${local.functions_host}" in condition["filter"]
    assert _single_block(condition, "aggregations")["group_by_fields"] == ["metric.label.check_id"]


@pytest.mark.skipif(shutil.which("terraform") is None,
                    reason="terraform CLI not on PATH (it is on the CI image): `terraform console` cannot run")
def test_terraform_itself_derives_the_checked_functions_as_the_tests_read_them(terraform, tmp_path):
    # Given local.functions and the expression of local.uptime_functions, as monitoring.tf writes it, alone in
    # a configuration (JSON syntax: the invokers' references to service accounts kept as plain text)
    functions = json.loads(json.dumps(terraform["locals"]["functions"]).replace("${", "$${"))
    (tmp_path / "main.tf.json").write_text(json.dumps({"locals": {
        "functions": functions, "uptime_functions": terraform["locals"]["uptime_functions"]}}), encoding="utf-8")
    # When terraform evaluates it (no provider needed)
    result = subprocess.run([shutil.which("terraform"), "console"], input="jsonencode(local.uptime_functions)\n",
                            capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
                            env={"PATH": "/usr/bin:/bin", "TF_CLI_CONFIG_FILE": "/dev/null", "CHECKPOINT_DISABLE": "1",
                                 "HOME": str(tmp_path)})
    # Then it checks exactly the functions, with the methods, the tests call
    assert result.returncode == 0, result.stderr
    assert json.loads(json.loads(result.stdout.strip().splitlines()[-1])) == _uptime_functions(terraform)


def test_the_uptime_checks_stay_within_the_quota_and_the_free_executions(terraform):
    # Given every uptime check Terraform creates (one per public function, the web app's)
    configs = terraform["resource"]["google_monitoring_uptime_check_config"]
    checks = [(config, len(_uptime_functions(terraform)) if "for_each" in config else 1) for config in configs.values()]
    # When counting them and their executions in a 30-day month (one per checker and period)
    count = sum(n for _, n in checks)
    executions = sum(n * len(config["selected_regions"]) * 30 * 86_400 // int(config["period"].rstrip("s"))
                     for config, n in checks)
    # Then they fit Cloud Monitoring's 100 uptime checks per project, and its free million executions a month
    # (infra/terraform/README.md, "Uptime checks and their cost")
    assert count <= 100, count
    assert executions <= 1_000_000, executions
    assert all(len(config["selected_regions"]) == 3 for config, _ in checks)


# --- log-based metrics against what the code logs --------------------------------------------------


def test_the_outbox_metric_reads_the_age_relay_outbox_logs(terraform, policies, caplog):
    # Given a message pending for 15 minutes that Pub/Sub refuses
    world = World(NOW)
    world.publisher.fail = ConnectionError("pubsub down")
    uow = world.uow()
    uow.publish(OutboxMessage(id="m-1", topic="orders-ctr-test", event_type=EventType.ORDER_ISSUED,
                              source="//passerelle.fr/hub", data={},
                              created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=15), ordering_key="BC-1"))
    uow.commit()
    # When relay_outbox runs
    with caplog.at_level(logging.INFO, logger="shared.service.outbox"):
        outbox.relay(world.uow())
    [entry] = _json_lines(caplog, "outbox relay")
    metric = terraform["resource"]["google_logging_metric"]["outbox_oldest_pending_age"]
    # Then its log line carries the age the metric extracts, and the alert watches that metric
    assert 900 <= entry["oldest_pending_age_seconds"] < 960 and entry["pending"] == 1
    _assert_filter_matches(metric["filter"], entry)
    assert metric["value_extractor"] == "EXTRACT(jsonPayload.oldest_pending_age_seconds)"
    for condition in ("condition_threshold", "condition_absent"):
        assert "${google_logging_metric.outbox_oldest_pending_age.name}" in _condition(
            policies["outbox_stuck"], condition)[0]["filter"]



def _report_and_acknowledge(caplog) -> tuple[dict[str, Any], dict[str, Any]]:
    world = World(NOW)
    command = ReportIncident.model_validate({"severity": 1, "title": "Portail bloqué", "description": "Plus rien"})
    with caplog.at_level(logging.INFO, logger="shared.service.incidents"):
        incident, _ = incidents_svc.report_incident("u-1", "contractor", "ctr-test", "key-1", command, world.uow(),
                                                    world.clock)
        world.clock.advance(minutes=10)
        incidents_svc.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=incident.incident_id), world.uow(),
                                           world.clock)
    [reported] = _json_lines(caplog, "incident reported")
    [acknowledged] = _json_lines(caplog, "incident acknowledged")
    return reported, acknowledged


def test_the_incident_metrics_read_what_report_and_acknowledge_log(terraform, policies, caplog):
    # Given a severity-1 incident reported, then acknowledged
    reported, acknowledged = _report_and_acknowledge(caplog)
    metrics = terraform["resource"]["google_logging_metric"]
    query = _condition(policies["sev1_incident_unacknowledged"], "condition_prometheus_query_language")[0]["query"]
    # When matching the two metrics against the two log lines
    # Then both are selected and keyed by the same incident id, which the alert joins on
    _assert_filter_matches(metrics["sev1_incident_reported"]["filter"], reported)
    _assert_filter_matches(metrics["incident_acknowledged"]["filter"], acknowledged)
    assert reported["incident_id"] == acknowledged["incident_id"]
    for name in ("sev1_incident_reported", "incident_acknowledged"):
        assert metrics[name]["label_extractors"] == {"incident_id": "EXTRACT(jsonPayload.incident_id)"}
        assert f"logging_googleapis_com:user_${{google_logging_metric.{name}.name}}" in query
    assert "unless on (incident_id)" in query and "offset 30m" in query


def test_the_reported_incident_keeps_its_log_level_and_its_severity(caplog):
    # Given a severity-1 incident reported
    reported, _ = _report_and_acknowledge(caplog)
    # When reading its log line as Cloud Logging does
    # Then the level is a Cloud Logging level, and the incident's severity has its own field
    assert reported["severity"] == "INFO"
    assert reported["incident_severity"] == 1


def test_a_new_severity_1_or_2_incident_alerts_the_operator_from_the_line_report_incident_logs(policies, caplog):
    # Given a severity-2 incident reported (its alert also goes on the incident-alerts topic)
    world = World(NOW)
    command = ReportIncident.model_validate({"severity": 2, "title": "Lenteurs", "description": "Très lent"})
    with caplog.at_level(logging.INFO, logger="shared.service.incidents"):
        incidents_svc.report_incident("u-1", "beneficiary", "ben-x", "key-2", command, world.uow(), world.clock)
    [reported] = _json_lines(caplog, "incident reported")
    condition = _condition(policies["urgent_incident_reported"], "condition_matched_log")[0]
    # Then the alert's log filter selects that line by its incident_severity, keyed by the incident
    log_filter = _text(condition["filter"])
    assert 'jsonPayload.message="incident reported"' in log_filter and "jsonPayload.incident_severity<=2" in log_filter
    assert reported["incident_severity"] == 2 and "incident_id" in reported
    assert condition["label_extractors"] == {"incident_id": "EXTRACT(jsonPayload.incident_id)"}
    assert [m.topic for m in world.outbox()] == ["incident-alerts"]


# --- B8 availability objective ------------------------------------------------------------------------


def test_the_monthly_availability_of_b8_is_an_objective_whose_budget_is_watched(terraform, policies):
    # Given the service-level objective of slo.tf and its alert
    slo = terraform["resource"]["google_monitoring_slo"]["availability"]
    goal = terraform["variable"]["availability_goal"]
    ratio = _single_block(_single_block(slo, "request_based_sli"), "good_total_ratio")
    served, failed = terraform["locals"]["served_requests"], _text(terraform["locals"]["failed_requests"])
    burns = _condition(policies["availability_budget"], "condition_threshold")
    # When reading its goal, period and ratio
    # Then it is B8's 99.93 % per calendar month, every served request counted, a 5xx or a 429 a failure
    assert slo["goal"] == "${var.availability_goal}" and goal["default"] == 0.9993
    assert "var.availability_goal >= 0.9993" in goal["validation"][0]["condition"]
    assert slo["calendar_period"] == "MONTH" and "rolling_period_days" not in slo
    assert ratio == {"bad_service_filter": "${local.failed_requests}", "total_service_filter": "${local.served_requests}"}
    assert 'metric.type="run.googleapis.com/request_count"' in _text(served)
    assert 'metric.labels.response_code_class="5xx" OR metric.labels.response_code="429"' in failed
    # And its budget is watched fast (1 h, burn rate 14.4) and slow (6 h, burn rate 6), on this objective
    assert sorted((c["threshold_value"], _text(c["filter"])) for c in burns) == [
        (6, 'select_slo_burn_rate("${google_monitoring_slo.availability.name}", "21600s")'),
        (14.4, 'select_slo_burn_rate("${google_monitoring_slo.availability.name}", "3600s")')]


def test_the_audit_alert_counts_the_error_lines_of_a_broken_chain_by_space(terraform, policies, caplog):
    # Given a chain rewritten after its heads were witnessed, checked by check_audit_witness (B15)
    from tests.unit.test_audit_witness_check import Chains, Witness, rewrite

    chains = Chains({"managers/m1": 3})
    witness = Witness(chains)
    check_audit_witness(chains, witness, FixedClock(NOW))
    rewrite(chains, "managers/m1")
    with caplog.at_level(logging.INFO, logger="shared.service.audit_check"):
        check_audit_witness(chains, witness, FixedClock(NOW + dt.timedelta(days=1)))
    [entry] = _json_lines(caplog, "audit chain broken")
    metric = terraform["resource"]["google_logging_metric"]["audit_chain_broken"]
    condition = _condition(policies["audit_chain_broken"], "condition_threshold")[0]
    # Then the metric selects that ERROR line by its stable field, labelled with its space, and one line alerts
    assert (entry["severity"], entry["audit_check"], entry["space"]) == ("ERROR", "broken", "managers/m1")
    assert 'severity>=ERROR' in _text(metric["filter"]) and 'jsonPayload.audit_check="broken"' in _text(metric["filter"])
    assert metric["label_extractors"] == {"space": "EXTRACT(jsonPayload.space)"}
    assert "${google_logging_metric.audit_chain_broken.name}" in condition["filter"]
    assert condition["threshold_value"] == 0 and condition["comparison"] == "COMPARISON_GT"
    # And the clean run's summary line is not counted
    summaries = _json_lines(caplog, "audit witness check")
    assert summaries and all("audit_check" not in summary for summary in summaries)


def test_a_day_without_an_audit_witness_check_alerts_and_two_runs_a_day_make_one_missed_run_enough(terraform,
                                                                                                   policies, caplog):
    # Given check_audit_witness run once on an intact chain (B15), and its job's schedule
    from tests.unit.test_audit_witness_check import Chains, Witness

    chains = Chains({"managers/m1": 2})
    with caplog.at_level(logging.INFO, logger="shared.service.audit_check"):
        check_audit_witness(chains, Witness(chains), FixedClock(NOW))
    [summary] = _json_lines(caplog, "audit witness check")
    metric = terraform["resource"]["google_logging_metric"]["audit_witness_checks"]
    [absent] = _condition(policies["audit_check_missing"], "condition_absent")
    schedule = terraform["locals"]["scheduled_functions"]["check_audit_witness"]["schedule"]
    # When reading what the metric counts and how long the alert waits
    # Then every completed run's summary line is counted, and 23.5 h without one alerts (Cloud Monitoring's
    # longest absence)
    assert summary["message"] == "audit witness check"
    assert 'jsonPayload.message="audit witness check"' in _text(metric["filter"])
    assert "${google_logging_metric.audit_witness_checks.name}" in absent["filter"]
    assert absent["duration"] == f"{int(23.5 * 3600)}s"
    # And the job runs more often than that, so that one missed run leaves a gap longer than 23.5 h
    minute, hours, *rest = schedule.split()
    runs = sorted(int(h) for h in hours.split(","))
    gaps = [(b - a) % 24 or 24 for a, b in zip(runs, runs[1:] + runs[:1])]
    missed_one = [a + b for a, b in zip(gaps, gaps[1:] + gaps[:1])]  # the gap a missed run leaves
    assert rest == ["*", "*", "*"] and max(gaps) < 23.5 < min(missed_one)
