# Cloud Tasks queue used by the functions to schedule deadline checks. Tasks
# carry an OIDC token of the tasks-invoker service account (deadlines.tf); the functions
# that arm timers are enqueuers of this queue only (iam.tf).

resource "google_cloud_tasks_queue" "deadlines" {
  name     = "deadlines"
  location = var.region

  rate_limits {
    max_dispatches_per_second = 50
    max_concurrent_dispatches = 20
  }

  retry_config {
    max_attempts  = 20
    min_backoff   = "10s"
    max_backoff   = "3600s"
    max_doublings = 6
  }

  depends_on = [time_sleep.apis_ready]
}
