# Cloud Functions (2nd gen). Every function is built from the same source
# archive; the entry point is the Python function exported by main.py.
#
# ERP-facing functions are publicly invokable at the Cloud Run level and check
# Firebase/Google ID tokens themselves. Internal functions only accept calls
# from Google-internal sources (Pub/Sub push, Cloud Scheduler) carrying an OIDC
# token of their dedicated invoker service account.

locals {
  functions = {
    request_account = {
      description   = "Manager or beneficiary -> platform: request a user account (B5, D7)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    manage_account = {
      description   = "Operator -> platform: create an account and set its role, tenant and rights."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    report_incident = {
      description   = "Manager, contractor, beneficiary or purchasing body -> platform: report an incident (B9); starts D8."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    acknowledge_incident = {
      description   = "Operator -> platform: first response to an incident; stops D8."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    resolve_incident = {
      description   = "Operator -> platform: record how an acknowledged incident was resolved (B9)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    list_incidents = {
      description   = "Reporter (its own) or operator (all) -> platform: incidents with their state and D8 status."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    receive_order = {
      description   = "ERP -> platform: receive a work order (manager)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    change_order_state = {
      description   = "ERP -> platform: change the state of a work order (manager)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    get_order = {
      description   = "ERP -> platform: read a work order (manager or contractor)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    submit_execution = {
      description   = "Contractor ERP -> platform: submit an execution report over HTTP."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    publish_execution = {
      description   = "Pub/Sub push (execution-<contractor>-push) -> platform: ingest an execution message."
      ingress       = "ALLOW_INTERNAL_ONLY"
      invoker       = "serviceAccount:${google_service_account.pubsub_push.email}"
      timeout       = 60
      max_instances = 20
    }
    register_beneficiary = {
      description   = "Operator -> platform: register or update a beneficiary (sourcing)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    upsert_professional = {
      description   = "Operator -> platform: create or update one professional of the pool."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    import_professionals = {
      description   = "Operator -> platform: professionals in bulk (JSON Lines), per-line errors."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    submit_need = {
      description   = "Beneficiary -> platform: submit a need (search request); D4 starts."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    score_candidates = {
      description   = "Pub/Sub push (needs-submitted-push) -> platform: explainable ranking of the pool."
      ingress       = "ALLOW_INTERNAL_ONLY"
      invoker       = "serviceAccount:${google_service_account.pubsub_push.email}"
      timeout       = 300
      max_instances = 10
    }
    propose_professionals = {
      description   = "Operator -> platform: propose ranked professionals for a need version."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    decide_proposal = {
      description   = "Beneficiary -> platform: accept, abandon, or refuse and relaunch."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    get_sourcing = {
      description   = "Beneficiary/operator -> platform: need, mission and pool statistics views."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    frame_mission = {
      description   = "Beneficiary -> platform: conflict declaration, mission framing and its order."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    replace_professional = {
      description   = "Beneficiary/operator -> platform: replacement request and proposal (B12)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    erase_professional = {
      description   = "Operator -> platform: anonymise a professional on request (GDPR)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 2
    }
    export_space = {
      description   = "Manager or beneficiary -> platform: export all of its data (A8)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    store_report = {
      description   = "Contractor -> platform: attach a PDF (report, service fait, invoice) to an order, multipart or signed-upload reference."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 120
      max_instances = 20
    }
    request_report_upload = {
      description   = "Contractor -> platform: a V4 signed URL to upload a large PDF."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 10
    }
    get_documents = {
      description   = "Manager or contractor -> platform: an order's PDF documents with short-lived signed download URLs."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    upsert_contract = {
      description   = "Manager -> platform: create or update a contract; delivered to the contractor's orders topic."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    upsert_billing_account = {
      description   = "Manager -> platform: create or update a billing account; delivered to its contracts' contractors."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    import_catalogue = {
      description   = "Manager -> platform: a new version of a contract's service-code catalogue (CSV or JSON)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 120
      max_instances = 5
    }
    get_catalogue = {
      description   = "Manager or contractor -> platform: catalogue versions, the one in force, the six-month review flag."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 10
    }
    import_property_tree = {
      description   = "Manager -> platform: import or update the property tree (CSV or JSON), resumable batched job."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 900
      max_instances = 5
    }
    get_property_coverage = {
      description   = "Manager -> platform: % of orders and documents attached to a node of its property tree, orphans."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 120
      max_instances = 5
    }
    request_quote = {
      description   = "Manager -> platform: request a quote (or a supplementary one on an order); starts D3."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    submit_quote = {
      description   = "Contractor -> platform: submit or revise a quote, lines checked against the catalogue; stops D3."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    decide_quote = {
      description   = "Manager accepts (order created or completed) or refuses a quote; contractor withdraws it."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    get_quote = {
      description   = "Manager or contractor -> platform: one quote with its versions and state."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 10
    }
    list_quotes = {
      description   = "Manager (its space) or contractor (across managers) -> platform: the quotes, newest first (web application)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    list_contracts = {
      description   = "Manager or contractor -> platform: its contracts and their catalogue versions (web application)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    list_account_requests = {
      description   = "Operator -> platform: account requests with the time left on D7 (web application)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    list_needs = {
      description   = "Beneficiary (its own) or operator (waiting for proposals) -> platform: needs (web application)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    get_professional = {
      description   = "Beneficiary (from its results) or operator -> platform: one professional's full record (B4)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    expire_quotes = {
      description   = "Cloud Scheduler -> platform: expire submitted quotes past their validity date, tell each contractor."
      ingress       = "ALLOW_INTERNAL_ONLY"
      invoker       = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      timeout       = 300
      max_instances = 1
    }
    run_export = {
      description   = "Pub/Sub push (exports-requested-push) -> platform: build one export archive."
      ingress       = "ALLOW_INTERNAL_ONLY"
      invoker       = "serviceAccount:${google_service_account.pubsub_push.email}"
      timeout       = 540
      max_instances = 2
    }
    seal_audit = {
      description   = "Cloud Scheduler -> platform: chain new audit records by hash (B15)."
      ingress       = "ALLOW_INTERNAL_ONLY"
      invoker       = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      timeout       = 120
      max_instances = 1
    }
    relay_outbox = {
      description   = "Cloud Scheduler -> platform: publish pending outbox events to Pub/Sub."
      ingress       = "ALLOW_INTERNAL_ONLY"
      invoker       = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      timeout       = 60
      max_instances = 1
    }
    accrue_penalties = {
      description   = "Cloud Tasks (deadline timers) and Cloud Scheduler (hourly sweep) -> platform: missed deadlines and the penalty ledger."
      ingress       = "ALLOW_INTERNAL_ONLY"
      invoker       = "serviceAccount:${google_service_account.tasks_invoker.email}"
      timeout       = 300
      max_instances = 10
    }
    decide_penalty = {
      description   = "Manager -> platform: waive, dispute or uphold a penalty entry."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    list_orders = {
      description   = "Manager, contractor or web app -> platform: list orders by last activity, with state, progress and late flags (A11)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 20
    }
    get_penalty_statement = {
      description   = "Manager or contractor -> platform: monthly penalty statement (JSON or French CSV)."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 60
      max_instances = 5
    }
    get_report = {
      description   = "Beneficiary, purchasing body or operator -> platform: B6 and B17 reports (JSON or French CSV), stored half-year reports."
      ingress       = "ALLOW_ALL"
      invoker       = "allUsers"
      timeout       = 120
      max_instances = 5
    }
    publish_half_year_report = {
      description   = "Cloud Scheduler -> platform: the purchasing body's report of the half-year just ended (B17), stored once."
      ingress       = "ALLOW_INTERNAL_ONLY"
      invoker       = "serviceAccount:${google_service_account.scheduler_invoker.email}"
      timeout       = 540
      max_instances = 1
    }
  }

  function_environment = {
    GOOGLE_CLOUD_PROJECT        = var.project_id
    PASSERELLE_DOCUMENTS_BUCKET = google_storage_bucket.documents.name
    # The professionals' search index (part B) lives in the same private bucket, outside any tenant prefix.
    PASSERELLE_INDEX_BUCKET = google_storage_bucket.documents.name
    PASSERELLE_REGION       = var.region
    # Deadline timers (docs/penalties.md): the queue, the OIDC identity of its tasks and
    # the URL they call (2nd gen functions keep their cloudfunctions.net URL).
    PASSERELLE_TASKS_QUEUE   = google_cloud_tasks_queue.deadlines.id
    PASSERELLE_TASKS_INVOKER = google_service_account.tasks_invoker.email
    PASSERELLE_ACCRUE_URL    = "https://${var.region}-${var.project_id}.cloudfunctions.net/accrue-penalties"
    # Audiences accepted on Google-signed ID tokens of ERP service accounts (docs/security.md):
    # the public URL of every function.
    PASSERELLE_AUDIENCES = join(",", [for name in keys(local.functions) : "https://${var.region}-${var.project_id}.cloudfunctions.net/${replace(name, "_", "-")}"])
    # The web application (docs/web-app.md) is a Firebase Hosting site of the project: its
    # origins may call the functions (CORS), plus any custom domain in front of it.
    ALLOWED_ORIGINS = join(",", concat(["https://${var.project_id}.web.app", "https://${var.project_id}.firebaseapp.com"], var.web_allowed_origins))
    # Set by Cloud Functions itself; declared to avoid a permanent diff.
    LOG_EXECUTION_ID = "true"
  }
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions

  # 2nd gen function names only allow lowercase letters, digits and hyphens.
  name        = replace(each.key, "_", "-")
  location    = var.region
  description = each.value.description

  build_config {
    runtime         = "python311"
    entry_point     = each.key
    service_account = google_service_account.fn_build.id

    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory               = var.function_memory
    timeout_seconds                = each.value.timeout
    min_instance_count             = 0
    max_instance_count             = each.value.max_instances
    ingress_settings               = each.value.ingress
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.fn_runtime.email
    environment_variables          = local.function_environment
  }

  depends_on = [
    google_project_service.enabled,
    google_project_iam_member.fn_build,
  ]
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
