# Cloud Functions (2nd gen). Every function is built from the same source
# archive; the entry point is the Python function exported by main.py.
#
# ERP-facing functions are publicly invokable at the Cloud Run level and check
# Firebase/Google ID tokens themselves. Internal functions only accept calls
# from Google-internal sources (Pub/Sub push, Cloud Scheduler) carrying an OIDC
# token of their dedicated invoker service account.
#
# method: the HTTP method a public function serves when it is not POST (its handler's `methods`,
# functions/<name>.py). Each public function's uptime check (monitoring.tf, local.uptime_functions)
# calls it with that method: any other gets a 405 before the function's code runs.

locals {
  functions = {
    request_account = {
      description = "Manager, beneficiary or purchasing body -> platform: request a user account in its own tenant (B5, D7)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    manage_account = {
      description = "Operator -> platform: create an account and set its role, tenant and rights."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-accounts"
    }
    change_password = {
      description = "Any person -> platform: choose its own password (B5, B15); a password the operator set must be changed first."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-accounts"
    }
    report_incident = {
      description = "Manager, contractor, beneficiary or purchasing body -> platform: report an incident (B9); starts D8. The operator enters a phone report."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    acknowledge_incident = {
      description = "Operator -> platform: first response to an incident; stops D8."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    resolve_incident = {
      description = "Operator -> platform: record how an acknowledged incident was resolved (B9)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    follow_up_incident = {
      description = "Operator -> platform: follow-up or workaround of an acknowledged incident (B9); stops no clock."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    set_penalty_terms = {
      description = "Manager (its contracts) or purchasing body (beneficiaries' agreements) -> platform: a dated version of the penalty terms per deadline (A9)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    import_price_schedule = {
      description = "Purchasing body -> platform: the next version of the price schedule and fee rate (B17), from its date."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    list_incidents = {
      description = "Reporter (its own) or operator (all) -> platform: incidents with their state and D8 status."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    receive_order = {
      description = "ERP -> platform: receive a work order (manager)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    change_order_state = {
      description = "ERP -> platform: change the state of a work order (manager, or beneficiary for its mission's order)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    get_order = {
      description = "ERP -> platform: read a work order (manager or contractor)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    submit_execution = {
      description = "Contractor ERP -> platform: submit an execution report over HTTP."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    publish_execution = {
      description = "Pub/Sub push (execution-<contractor>-push) -> platform: ingest an execution message."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.pubsub_push.email}"
      identity    = "fn-executions"
    }
    register_manager = {
      description = "Operator -> platform: register or update a property manager (A10 onboarding)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    register_purchasing_body = {
      description = "Operator -> platform: register or update the central purchasing body and its territory (B1 parties, B18)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    register_contractor = {
      description = "Operator -> platform: register or update a contractor and provision its Pub/Sub topics and subscriptions (A10 onboarding)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-onboarding"
    }
    register_machine_identity = {
      description = "Operator -> platform: let an ERP's service account call the REST API with a role, tenant and rights."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    deactivate_party = {
      description = "Operator -> platform: deactivate a manager, a contractor (its ERP loses its Pub/Sub permissions) or a machine identity."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-onboarding"
    }
    start_conformance = {
      description = "Contractor -> platform: open a conformance run on its sandbox (a sandbox order and quote request) (A10)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    check_conformance = {
      description = "Contractor -> platform: the conformance run's report step by step; passing stops D2 (A10)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    register_beneficiary = {
      description = "Operator -> platform: register or update a beneficiary (sourcing)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    upsert_professional = {
      description = "Operator -> platform: create or update one professional of the pool."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    import_professionals = {
      description = "Operator -> platform: professionals in bulk (JSON Lines), per-line errors."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-executions"
    }
    submit_need = {
      description = "Beneficiary -> platform: submit a need (search request); D4 starts."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    score_candidates = {
      description = "Pub/Sub push (needs-submitted-push) -> platform: explainable ranking of the pool."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.pubsub_push.email}"
      identity    = "fn-executions"
    }
    propose_professionals = {
      description = "Operator -> platform: propose ranked professionals for a need version."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    decide_proposal = {
      description = "Beneficiary -> platform: accept, abandon, or refuse and relaunch."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    get_sourcing = {
      description = "Beneficiary/operator -> platform: need, mission and pool statistics views (purchasing body: pool statistics)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-executions"
      method      = "GET"
    }
    frame_mission = {
      description = "Beneficiary -> platform: conflict declaration, mission framing and its order."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    replace_professional = {
      description = "Beneficiary/operator -> platform: replacement request and proposal (B12)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    erase_professional = {
      description = "Operator -> platform: anonymise a professional on request (GDPR), with every copy of their name."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-executions"
    }
    export_space = {
      description = "Manager or beneficiary -> platform: export all of its data (A8)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-export-request"
    }
    store_report = {
      description = "Contractor -> platform: attach a PDF (report, service fait, invoice) to an order, multipart or signed-upload reference."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-executions"
    }
    request_report_upload = {
      description = "Contractor -> platform: a V4 signed URL to upload a large PDF."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-upload-urls"
    }
    get_documents = {
      description = "Manager or contractor -> platform: an order's PDF documents with short-lived signed download URLs."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-download-urls"
      method      = "GET"
    }
    upsert_contract = {
      description = "Manager -> platform: create or update a contract; delivered to the contractor's orders topic."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    upsert_billing_account = {
      description = "Manager -> platform: create or update a billing account; delivered to its contracts' contractors."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    import_catalogue = {
      description = "Manager -> platform: a new version of a contract's service-code catalogue (CSV or JSON)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    get_catalogue = {
      description = "Manager or contractor -> platform: catalogue versions, the one in force, the six-month review flag."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    import_property_tree = {
      description = "Manager -> platform: import or update the property tree (CSV or JSON), resumable batched job."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    get_property_coverage = {
      description = "Manager -> platform: % of orders and documents attached to a node of its property tree, orphans."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    attach_order_node = {
      description = "Manager -> platform: attach an orphan order to an active node of its property tree; tells the contractor."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    request_quote = {
      description = "Manager -> platform: request a quote (or a supplementary one on an order); starts D3."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    submit_quote = {
      description = "Contractor -> platform: submit or revise a quote, lines checked against the catalogue; stops D3."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    decide_quote = {
      description = "Manager accepts (order created or completed) or refuses a quote; contractor withdraws it."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    get_quote = {
      description = "Manager or contractor -> platform: one quote with its versions and state."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_quotes = {
      description = "Manager (its space) or contractor (across managers) -> platform: the quotes, newest first (web application)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_contracts = {
      description = "Manager, beneficiary or contractor -> platform: its contracts, their catalogue versions and parties' names; purchasing body: its own name only (web application)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_account_requests = {
      description = "Operator -> platform: account requests with the time left on D7 (web application)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_accounts = {
      description = "Operator (any party), manager, beneficiary or purchasing body (its own) -> platform: a party's accounts, rights and state (B5, web application)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_parties = {
      description = "Operator -> platform: the registered managers, contractors or beneficiaries (web application)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    get_audit_check = {
      description = "Operator -> platform: the audit trail's last scheduled check, every chain intact or altered (B15, web application)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_needs = {
      description = "Beneficiary (its own) or operator (waiting for proposals) -> platform: needs (web application)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    get_professional = {
      description = "Beneficiary (from its results) or operator -> platform: one professional's full record (B4)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    expire_quotes = {
      description = "Cloud Scheduler -> platform: expire submitted quotes past their validity date, tell each contractor."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      identity    = "fn-data-publish-timers"
    }
    raise_quote = {
      description = "Contractor -> platform: raise a quote nobody asked for, spontaneous or supplementary on its order (A2.4, A2.5)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    request_mission_quote = {
      description = "Beneficiary -> platform: request a quote from the titulaire of one of its missions (B16); starts D3."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    list_messages = {
      description = "Contractor -> platform: every message sent to it, from a cursor, for replay (35 days)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_message_log = {
      description = "Contractor (its own) or operator -> platform: the messages a contractor sent, each with its answer and errors."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    redeliver_messages = {
      description = "Contractor -> platform: publish again on its topics the messages after a cursor, since a time, or named."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    get_contract = {
      description = "Manager or contractor (its own) -> platform: one contract whole, as sent in contract.changed."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_billing_accounts = {
      description = "Manager or contractor (those naming its contracts) -> platform: billing accounts."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    list_property_nodes = {
      description = "Manager or contractor (within its contracts' perimeters) -> platform: property tree nodes, retired included."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    confirm_catalogue_review = {
      description = "Manager -> platform: confirm a contract's six-month catalogue review without a new version (A14)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    remind_catalogue_reviews = {
      description = "Cloud Scheduler -> platform: remind contractors one month before a catalogue review is due (A14)."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      identity    = "fn-data-publish-timers"
    }
    run_export = {
      description = "Pub/Sub push (exports-requested-push) -> platform: build one export archive."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.pubsub_push.email}"
      identity    = "fn-executions"
    }
    seal_audit = {
      description = "Cloud Scheduler -> platform: chain new audit records by hash, witness each head in the locked bucket (B15)."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      identity    = "fn-audit"
    }
    check_audit_witness = {
      description = "Cloud Scheduler -> platform: compare every audit chain with the heads witnessed in the locked bucket (B15)."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      identity    = "fn-audit"
    }
    relay_outbox = {
      description = "Cloud Scheduler -> platform: publish pending outbox events to Pub/Sub."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      identity    = "fn-data-publish-timers"
    }
    accrue_penalties = {
      description = "Cloud Tasks (deadline timers) and Cloud Scheduler (hourly sweep) -> platform: missed deadlines and the penalty ledger."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.tasks_invoker.email}"
      identity    = "fn-data-publish-timers"
    }
    decide_penalty = {
      description = "Manager -> platform: waive, dispute or uphold a penalty entry."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    list_orders = {
      description = "Manager, contractor or web app -> platform: list orders by last activity, with state, progress and late flags (A11)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    watch_orders = {
      description = "Manager, contractor or web app -> platform: Server-Sent Events, one per change of the caller's orders (A11 real-time view)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    get_penalty_statement = {
      description = "Manager, beneficiary or contractor -> platform: monthly penalty statement (JSON or French CSV)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    get_report = {
      description = "Beneficiary, purchasing body or operator -> platform: B6 and B17 reports (JSON or French CSV), stored half-year reports."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-download-urls"
      method      = "GET"
    }
    publish_half_year_report = {
      description = "Cloud Scheduler -> platform: the purchasing body's report of the half-year just ended (B17), stored once."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      identity    = "fn-executions"
    }
    record_reception = {
      description = "Manager or beneficiary -> platform: receive an order's lines (service fait), with reservations."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    lift_reservation = {
      description = "Manager or beneficiary -> platform: lift a reservation made at reception."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    submit_invoice = {
      description = "Contractor ERP -> platform: an invoice or credit note, checked against the received lines (REST)."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    get_invoices = {
      description = "Manager, beneficiary or contractor -> platform: an order's invoices, or one as Factur-X CII XML."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data"
      method      = "GET"
    }
    submit_timesheet = {
      description = "Titulaire -> platform: days worked on a mission's milestone (B11), within its days and the budget."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    decide_deliverable = {
      description = "Beneficiary -> platform: accept a mission's deliverable, or refuse it with a reason (B11); tells the titulaire."
      ingress     = "ALLOW_ALL"
      invoker     = "allUsers"
      identity    = "fn-data-publish-timers"
    }
    sync_chorus_pro = {
      description = "Cloud Scheduler -> platform: deposit accepted invoices on Chorus Pro, apply the statuses it reports."
      ingress     = "ALLOW_INTERNAL_ONLY"
      invoker     = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      identity    = "fn-data-publish-timers"
    }
  }

  function_environment = {
    GOOGLE_CLOUD_PROJECT        = var.project_id
    PASSERELLE_DOCUMENTS_BUCKET = google_storage_bucket.documents.name
    # The professionals' search index (part B) lives in the same private bucket, outside any tenant prefix.
    PASSERELLE_INDEX_BUCKET = google_storage_bucket.documents.name
    # The witness of the audit chains' heads (B15), under a locked retention policy (storage.tf).
    PASSERELLE_AUDIT_WITNESS_BUCKET = google_storage_bucket.audit_witness.name
    PASSERELLE_REGION               = var.region
    # Deadline timers (docs/penalties.md): the queue, the OIDC identity of its tasks and
    # the URL they call (2nd gen functions keep their cloudfunctions.net URL).
    PASSERELLE_TASKS_QUEUE   = google_cloud_tasks_queue.deadlines.id
    PASSERELLE_TASKS_INVOKER = google_service_account.tasks_invoker.email
    PASSERELLE_ACCRUE_URL    = "${local.functions_base_url}/accrue-penalties"
    # Contractors' push subscriptions, created at run time by register_contractor (docs/topology.md):
    # where they push (publish_execution; functions-framework reads the topic from the path), as
    # whom, and the Pub/Sub service agent their policies let acknowledge dead letters.
    PASSERELLE_EXECUTION_PUSH_URL   = "${local.functions_base_url}/publish-execution"
    PASSERELLE_PUSH_SERVICE_ACCOUNT = google_service_account.pubsub_push.email
    PASSERELLE_PUBSUB_SERVICE_AGENT = google_project_service_identity.pubsub.email
    # Audiences accepted on Google-signed ID tokens of ERP service accounts (docs/security.md):
    # the public URL of every function.
    PASSERELLE_AUDIENCES = join(",", [for name in keys(local.functions) : "${local.functions_base_url}/${replace(name, "_", "-")}"])
    # The web application (docs/web-app.md) is the project's Firebase Hosting site: the browser
    # origins allowed to call the functions (CORS), local.web_origins (main.tf).
    ALLOWED_ORIGINS = join(",", local.web_origins)
    # Set by Cloud Functions itself; declared to avoid a permanent diff.
    LOG_EXECUTION_ID = "true"
  }
}

# Internal HTTP functions (Cloud Scheduler, Cloud Tasks) verify the OIDC token of their caller
# themselves too (shared/edge/internal.py), so that a mistake in Cloud Run IAM does not open them:
# the token's audience must be the function's URL and its e-mail the invoker's (docs/security.md).
# Every job and task calling them sets that URL as audience (scheduler.tf, deadlines.tf, the
# PASSERELLE_ACCRUE_URL of the timers).
locals {
  internal_callers = {
    relay_outbox             = google_service_account.scheduler_invoker.email
    seal_audit               = google_service_account.scheduler_invoker.email
    check_audit_witness      = google_service_account.scheduler_invoker.email
    publish_half_year_report = google_service_account.scheduler_invoker.email
    expire_quotes            = google_service_account.scheduler_invoker.email
    remind_catalogue_reviews = google_service_account.scheduler_invoker.email
    sync_chorus_pro          = google_service_account.scheduler_invoker.email
    accrue_penalties         = google_service_account.tasks_invoker.email
  }

  internal_environment = {
    for name in keys(local.functions) : name => {
      for key, value in {
        PASSERELLE_INTERNAL_AUDIENCE = "${local.functions_base_url}/${replace(name, "_", "-")}"
        PASSERELLE_INTERNAL_CALLERS  = lookup(local.internal_callers, name, "")
      } : key => value if contains(keys(local.internal_callers), name)
    }
  }
}

# Sizing of each function (README, "Function sizing", says why). Memory: ~145 MB per idle
# function process (bench.ingest), so 512Mi leaves room for 8 concurrent small requests; 1Gi
# where a request holds a large file or a whole pool (50 MiB signed uploads checked by pypdf,
# 32 MiB imports, the search index: scoring 100k professionals peaked at ~441 MiB in
# bench.scoring); run_export streams the archive part by part (bench.export_memory), 512Mi. Concurrency
# above 1 needs a whole vCPU (cpu = "1" everywhere); heavy requests run alone (concurrency 1).
# Timeouts stay within the ack deadline of their push subscription (pubsub.tf).
# watch_orders holds Server-Sent Events streams (A11 real-time view): each lives 5 minutes at most
# (PASSERELLE_WATCH_SECONDS) then the browser reconnects, so a 360 s timeout never cuts one; a stream is
# idle between events (a thread waiting on its Firestore listener), so 80 share an instance (THREADS = 80).
# Cost: an instance is billed while a stream is open (infra/terraform/README.md, "Order streams").
# Minimum instances keep the ERP hot path warm (var.min_instances_enabled); the web app is on Hosting.
locals {
  function_sizing = {
    request_account           = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    manage_account            = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 4, min_instances = 0, max_instances = 5 }
    change_password           = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    report_incident           = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    acknowledge_incident      = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    resolve_incident          = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_incidents            = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    follow_up_incident        = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    set_penalty_terms         = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    import_price_schedule     = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 2, min_instances = 0, max_instances = 2 }
    receive_order             = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 1, max_instances = 20 }
    change_order_state        = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    get_order                 = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    submit_execution          = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 1, max_instances = 20 }
    publish_execution         = { memory = "1Gi", cpu = "1", timeout = 60, concurrency = 4, min_instances = 1, max_instances = 20 }
    list_orders               = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    watch_orders              = { memory = "512Mi", cpu = "1", timeout = 360, concurrency = 80, min_instances = 0, max_instances = 10 }
    register_manager          = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    register_contractor       = { memory = "512Mi", cpu = "1", timeout = 120, concurrency = 4, min_instances = 0, max_instances = 5 }
    register_machine_identity = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    register_purchasing_body  = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    deactivate_party          = { memory = "512Mi", cpu = "1", timeout = 120, concurrency = 4, min_instances = 0, max_instances = 5 }
    start_conformance         = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    check_conformance         = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    register_beneficiary      = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    upsert_professional       = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    import_professionals      = { memory = "1Gi", cpu = "1", timeout = 300, concurrency = 1, min_instances = 0, max_instances = 5 }
    submit_need               = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    score_candidates          = { memory = "1Gi", cpu = "1", timeout = 300, concurrency = 1, min_instances = 0, max_instances = 10 }
    propose_professionals     = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    decide_proposal           = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    get_sourcing              = { memory = "1Gi", cpu = "1", timeout = 120, concurrency = 4, min_instances = 0, max_instances = 20 }
    frame_mission             = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    replace_professional      = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    erase_professional        = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 1, min_instances = 0, max_instances = 2 }
    get_report                = { memory = "1Gi", cpu = "1", timeout = 120, concurrency = 2, min_instances = 0, max_instances = 5 }
    publish_half_year_report  = { memory = "1Gi", cpu = "1", timeout = 540, concurrency = 1, min_instances = 0, max_instances = 1 }
    export_space              = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    run_export                = { memory = "512Mi", cpu = "1", timeout = 540, concurrency = 1, min_instances = 0, max_instances = 2 }
    store_report              = { memory = "1Gi", cpu = "1", timeout = 120, concurrency = 2, min_instances = 0, max_instances = 20 }
    request_report_upload     = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 10 }
    get_documents             = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 20 }
    upsert_contract           = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    upsert_billing_account    = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    import_catalogue          = { memory = "512Mi", cpu = "1", timeout = 120, concurrency = 2, min_instances = 0, max_instances = 5 }
    get_catalogue             = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 10 }
    import_property_tree      = { memory = "1Gi", cpu = "1", timeout = 900, concurrency = 1, min_instances = 0, max_instances = 5 }
    get_property_coverage     = { memory = "1Gi", cpu = "1", timeout = 120, concurrency = 2, min_instances = 0, max_instances = 5 }
    attach_order_node         = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    request_quote             = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    submit_quote              = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    decide_quote              = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_quotes               = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_contracts            = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_account_requests     = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_accounts             = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_parties              = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    get_audit_check           = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 2 }
    list_needs                = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    get_professional          = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    get_quote                 = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 10 }
    raise_quote               = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    request_mission_quote     = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_message_log          = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_messages             = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 10 }
    redeliver_messages        = { memory = "512Mi", cpu = "1", timeout = 120, concurrency = 4, min_instances = 0, max_instances = 5 }
    get_contract              = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_billing_accounts     = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    list_property_nodes       = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    confirm_catalogue_review  = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    remind_catalogue_reviews  = { memory = "512Mi", cpu = "1", timeout = 300, concurrency = 1, min_instances = 0, max_instances = 1 }
    expire_quotes             = { memory = "512Mi", cpu = "1", timeout = 300, concurrency = 1, min_instances = 0, max_instances = 1 }
    seal_audit                = { memory = "512Mi", cpu = "1", timeout = 120, concurrency = 1, min_instances = 0, max_instances = 1 }
    check_audit_witness       = { memory = "512Mi", cpu = "1", timeout = 900, concurrency = 1, min_instances = 0, max_instances = 1 }
    relay_outbox              = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 1, min_instances = 0, max_instances = 1 }
    accrue_penalties          = { memory = "512Mi", cpu = "1", timeout = 300, concurrency = 8, min_instances = 0, max_instances = 10 }
    decide_penalty            = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    get_penalty_statement     = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    record_reception          = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 10 }
    lift_reservation          = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    submit_invoice            = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 10 }
    get_invoices              = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 10 }
    submit_timesheet          = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    decide_deliverable        = { memory = "512Mi", cpu = "1", timeout = 60, concurrency = 8, min_instances = 0, max_instances = 5 }
    sync_chorus_pro           = { memory = "512Mi", cpu = "1", timeout = 300, concurrency = 1, min_instances = 0, max_instances = 1 }
  }
}

resource "google_cloudfunctions2_function" "fn" {
  #checkov:skip=CKV_GCP_124:ERPs (outside Google Cloud) and browsers call the public functions over the internet; each one verifies the caller's ID token, role, tenant and rights itself. Internal functions are ALLOW_INTERNAL_ONLY (local.functions, tests/unit/test_terraform.py).
  for_each = local.functions

  # 2nd gen function names only allow lowercase letters, digits and hyphens.
  name        = replace(each.key, "_", "-")
  location    = var.region
  description = each.value.description
  # B15 encryption (kms.tf): null, Google-managed, when CMEK is off.
  kms_key_name = local.cmek_key.functions

  build_config {
    runtime         = "python311"
    entry_point     = each.key
    service_account = google_service_account.fn_build.id
    # B15 encryption (kms.tf): with CMEK, images go to a repository encrypted with the functions' key.
    docker_repository = var.cmek ? google_artifact_registry_repository.functions[0].id : null

    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = local.function_sizing[each.key].memory
    available_cpu                    = local.function_sizing[each.key].cpu
    timeout_seconds                  = local.function_sizing[each.key].timeout
    max_instance_request_concurrency = local.function_sizing[each.key].concurrency
    min_instance_count               = var.min_instances_enabled ? local.function_sizing[each.key].min_instances : 0
    max_instance_count               = local.function_sizing[each.key].max_instances
    ingress_settings                 = each.value.ingress
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.runtime[each.value.identity].email
    # functions-framework serves with gunicorn threads: as many as concurrent requests.
    environment_variables = merge(local.function_environment, local.cmek_environment, {
      THREADS = tostring(local.function_sizing[each.key].concurrency)
    }, local.internal_environment[each.key])
  }

  depends_on = [
    time_sleep.apis_ready,
    time_sleep.build_iam_ready,
    google_kms_crypto_key_iam_member.service_agents,
  ]

  lifecycle {
    precondition {
      condition     = contains(keys(local.runtime_identities), each.value.identity) && contains(keys(local.function_sizing), each.key)
      error_message = "Function ${each.key} needs an identity of local.runtime_identities (iam.tf) and a line in local.function_sizing."
    }
  }
}

# Cloud Run invoker binding of each function: allUsers for ERP-facing
# functions, the dedicated invoker service account for internal ones.
resource "google_cloud_run_service_iam_member" "invoker" {
  for_each = local.functions

  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.fn[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = each.value.invoker
}
