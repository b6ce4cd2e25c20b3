"""README command 1: the whole platform locally — emulators, every function, demo data.

Ctrl-C stops everything it started. ``--free-ports`` takes free ports instead of those of
emulators.json (to run beside another stack, as tests/functional/test_dev_command.py does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import threading
import urllib.request
from pathlib import Path

from devtools import seed
from devtools.stack import ROOT, Stack, load_config
from devtools.tokens import emulator_token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The whole platform locally: emulators, every function, demo data.")
    parser.add_argument("--free-ports", action="store_true", help="free ports instead of those of emulators.json")
    parser.add_argument("--run-dir", type=Path, default=ROOT / ".run", help="where logs go (default .run/)")
    parser.add_argument("--process-per-function", action="store_true",
                        help="one functions-framework process per function (heavier: docs/performance.md)")
    args = parser.parse_args(argv)
    config = load_config()
    stack = Stack.from_config(args.run_dir / "logs", free_ports=args.free_ports)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # even when started where SIGINT is ignored
    try:
        print("▶ starting the emulators and the functions…", flush=True)
        start_stack(stack, list(config["functions"]), process_per_function=args.process_per_function)
        print("▶ creating the platform's topics, registering the demo parties through the onboarding API…",
              flush=True)
        stack.provision_sourcing()  # platform-level topics: Terraform's in production (pubsub.tf)
        stack.provision_exports()
        stack.provision_incident_alerts()
        stack.provision_contractor_dead_letter()
        parties = seed.register_parties(stack.url, stack.project_id)  # contractors' topics: register_contractor
        results = seed.post_demo_orders(stack.url("receive_order"), stack.project_id, dt.datetime.now(dt.UTC))
        # the beneficiary is registered before its demo user gets its tenant (manage_account checks the registry)
        sourcing = seed.post_demo_sourcing(stack.url, stack.project_id, dt.date.today())
        users = seed.create_demo_users(stack.url, stack.project_id, stack.ports["auth"])
        for name, spec in config["functions"].items():  # what Cloud Scheduler calls in production
            if "schedule_seconds" in spec:
                threading.Thread(target=_schedule_loop, args=(stack.url(name), spec["schedule_seconds"], stop),
                                 daemon=True).start()
        _print_banner(stack, config, results, users, sourcing, parties)
        while not stop.wait(0.5):
            _watch(stack)
    except KeyboardInterrupt:
        pass
    finally:
        print("\n■ stopping everything…", flush=True)
        stack.stop()
        print("■ stopped.", flush=True)
    return 0


def start_stack(stack: Stack, functions: list[str], *, process_per_function: bool = False) -> None:
    """Emulators and functions, ready to serve: the function host loads while the emulators boot."""
    stack.start_functions(functions, process_per_function=process_per_function, wait=False)
    stack.start_emulators()
    stack.wait_functions(functions)


def _watch(stack: Stack) -> None:
    """A crash of the functions host takes every function down: say so, loudly, and start it again."""
    try:
        stack.check_functions()
    except RuntimeError as crash:
        print(f"\n✖ {crash}\n▶ starting the functions again…", flush=True)
        stack.restart_host()
        print("▶ the functions answer again.", flush=True)


def _interrupt(*_):
    raise KeyboardInterrupt


def _schedule_loop(url: str, every: float, stop: threading.Event) -> None:
    """Stands in for a Cloud Scheduler job (relay_outbox, seal_audit, …)."""
    while not stop.wait(every):
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"), timeout=10).read()
        except OSError:
            pass


def _print_banner(stack: Stack, config: dict, results: list[tuple[str, int]],
                  users: list[tuple[str, int]] = (), sourcing: list[tuple[str, int]] = (),
                  parties: list[tuple[str, int]] = ()) -> None:
    p = stack.project_id
    manager_token = emulator_token(p, "erp-rhone-habitat", role="manager", tenant=seed.MANAGER["manager_id"],
                                   ttl_seconds=86400)
    contractor_token = emulator_token(p, "erp-acme", role="contractor", tenant="ctr-acme", ttl_seconds=86400)
    beneficiary_token = emulator_token(p, "agent-metropole", role="beneficiary",
                                       tenant=seed.BENEFICIARY["beneficiary_id"], ttl_seconds=86400)
    lines = ["", "Passerelle is running (project %s). Logs: %s" % (p, stack.log_dir), "", "Emulators:"]
    for name in config["emulators"]:
        lines.append(f"  {name:<10} 127.0.0.1:{stack.ports[name]}")
    lines += ["", "Functions (each on its own port; logs in <function>.log):"]
    for name, spec in config["functions"].items():
        lines.append(f"  {name:<20} {stack.url(name)}/   ({spec['trigger']})")
    if stack.hosted:
        lines.append(f"  every function also under {stack.gateway_url()}/<function>/ (the gateway; GET / lists them)")
    lines += ["", "Demo parties through the onboarding API (docs/onboarding.md): "
              + ", ".join(f"{step} → {s}" for step, s in parties),
              "Demo orders sent through receive_order: " + ", ".join(f"{o} → {s}" for o, s in results),
              "", "Pub/Sub per contractor (created by register_contractor): orders-<id>, execution-<id>, replies-<id>;"
              " dead letters: contractors-dead-letter",
              "Demo contractors: " + ", ".join(c["contractor_id"] for c in seed.CONTRACTORS),
              "", "Tokens valid 24 h (emulator only):",
              f"  MANAGER_TOKEN={manager_token}", f"  CONTRACTOR_TOKEN={contractor_token}",
              f"  BENEFICIARY_TOKEN={beneficiary_token}",
              "", "Try:",
              f"  curl -s '{stack.url('get_order')}/?order_id=BC-2026-0101' -H \"Authorization: Bearer $MANAGER_TOKEN\"",
              f"  curl -s '{stack.url('get_property_coverage')}/' -H \"Authorization: Bearer $MANAGER_TOKEN\"",
              f"  export PUBSUB_EMULATOR_HOST=127.0.0.1:{stack.ports['pubsub']} FIRESTORE_EMULATOR_HOST=127.0.0.1:{stack.ports['firestore']}",
              "  then follow docs/connector-guide.en.md (or .fr.md) to publish an execution report,",
              f"  or run the conformance scenario: CONTRACTOR_TOKEN=… .venv/bin/python -m devtools.conformance_client"
              f" --functions {stack.gateway_url()} --pubsub 127.0.0.1:{stack.ports['pubsub']}",
              "", "Demo sourcing (part B, docs/sourcing.md): " + ", ".join(f"{step} → {s}" for step, s in sourcing),
              f"  curl -s '{stack.url('get_sourcing')}/?view=need&need_id={seed.NEED_ID}'"
              " -H \"Authorization: Bearer $BENEFICIARY_TOKEN\"   (the ranked professionals, with reasons)",
              "", "Web application (docs/web-app.md), demo accounts of the local Auth emulator only:"]
    for user, (email, status) in zip(seed.DEMO_USERS, users):
        role = seed.demo_label(user)
        lines.append(f"  open {stack.web_url()}/ — sign in as {email} / {seed.DEMO_PASSWORD}   ({role}"
                     f" {user['tenant']}{'' if status == 200 else f', creation answered {status}'})")
    lines += ["", "Ctrl-C stops everything."]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
