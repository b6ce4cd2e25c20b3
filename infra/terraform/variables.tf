variable "project_id" {
  description = "Google Cloud project id that hosts the platform."
  type        = string
}

variable "region" {
  description = "Region of every regional resource (functions, buckets, queue, scheduler). Defaults to Paris so that data stays in France."
  type        = string
  default     = "europe-west9"
}

variable "firestore_location" {
  description = "Location of the Firestore (default) database. Defaults to Paris so that data stays in France. Cannot be changed once the database exists."
  type        = string
  default     = "europe-west9"
}

variable "contractors" {
  description = "Contractors whose ERP service account (erp-<id>) this project hosts, for ERPs without a Google identity of their own (e.g. [\"ctr-acme\"]). Their Pub/Sub topics and subscriptions are NOT created here: register_contractor creates them at run time (docs/topology.md)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.contractors : can(regex("^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$", c))])
    error_message = "Contractor ids must be 2-63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }

  validation {
    condition     = length(distinct(var.contractors)) == length(var.contractors)
    error_message = "Contractor ids must be unique."
  }

  validation {
    condition     = length(distinct([for c in var.contractors : replace(substr(c, 0, 26), "/-+$/", "")])) == length(var.contractors)
    error_message = "Contractor ids must differ within their first 26 characters (service account ids are truncated)."
  }
}

variable "managers" {
  description = "Manager ids (informational only: managers authenticate with Firebase/Google ID tokens checked by the functions)."
  type        = list(string)
  default     = []
}

variable "source_dir" {
  description = "Directory zipped and deployed as the functions' source: the repository root whose main.py re-exports every entry point. Relative paths are resolved from this Terraform directory."
  type        = string
  default     = "../.."
}

variable "quota_project" {
  description = "Project billed for the quota of API calls Terraform makes with user credentials (gcloud auth application-default login). Empty: the platform project itself."
  type        = string
  default     = ""
  nullable    = false
}

variable "min_instances_enabled" {
  description = "Keep the minimum instances of local.function_sizing warm (web app, ERP hot path). false sets every minimum to 0 (a test project: no idle cost, cold starts instead)."
  type        = bool
  default     = true
}

variable "relay_schedule" {
  description = "Cron schedule (Europe/Paris time zone) of the Cloud Scheduler job that triggers relay_outbox."
  type        = string
  default     = "* * * * *"
}

variable "alert_email" {
  description = "E-mail address of an ops notification channel created by Terraform. Empty: none is created (use notification_channels)."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.alert_email == "" || can(regex("^[^@\\s]+@[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be empty or an e-mail address."
  }
}

variable "support_email" {
  description = "The operator's support address: the web app's accessibility statement (« Accessibilité », RGAA: retour d'information et contact) gives it to anyone who cannot use a screen. Empty: the statement shows the placeholder adresse-de-support-a-configurer@passerelle.invalid, which no mail reaches (devtools/web_config.py) — set it before opening the service."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.support_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.support_email))
    error_message = "support_email must be empty or an e-mail address."
  }
}

variable "notification_channels" {
  description = "Existing Cloud Monitoring notification channels (projects/<p>/notificationChannels/<id>: e-mail, SMS, PagerDuty, Slack...) notified by every alert, in addition to alert_email. With neither, alerts still open incidents in the console but notify nobody."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[0-9]+$", c))])
    error_message = "Each notification channel must be projects/<project>/notificationChannels/<id>."
  }
}

variable "log_retention_days" {
  description = "Retention of the platform's logs in the Paris log bucket (logging.tf)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 3650
    error_message = "log_retention_days must be between 30 and 3650."
  }
}

variable "availability_goal" {
  description = "B8 availability: the share of requests served without a server error each calendar month (slo.tf)."
  type        = number
  default     = 0.9993

  validation {
    condition     = var.availability_goal >= 0.9993 && var.availability_goal < 1
    error_message = "availability_goal must be at least B8's 0.9993 and below 1."
  }
}

variable "lock_log_bucket" {
  description = "Lock the regional log bucket (logging.tf): its retention can no longer be shortened nor the bucket deleted while it holds logs. Irreversible; false only for throw-away projects."
  type        = bool
  default     = true
}

variable "lock_audit_witness_bucket" {
  description = "Lock the retention policy of the audit witness bucket (storage.tf, B15): it can then never be shortened nor removed, and the bucket cannot be deleted while it holds a head. Irreversible; false only for throw-away projects."
  type        = bool
  default     = true
}

variable "audit_witness_retention_days" {
  description = "How long each witnessed head of the audit chains cannot be deleted nor replaced (storage.tf, B15)."
  type        = number
  default     = 3650

  validation {
    condition     = var.audit_witness_retention_days >= 365 && var.audit_witness_retention_days <= 36500
    error_message = "audit_witness_retention_days must be between 365 and 36500 days."
  }
}

variable "erp_backlog_alert" {
  description = "Undelivered messages on an ERP pull subscription (orders-<c>-erp, replies-<c>-erp) above which, for 15 minutes, ops are alerted."
  type        = number
  default     = 500
}

variable "erp_oldest_unacked_alert_seconds" {
  description = "Age of the oldest unacknowledged message on an ERP pull subscription above which ops are alerted (the ERP stopped pulling)."
  type        = number
  default     = 3600
}

variable "erp_workload_identity" {
  description = "Workload identity federation of contractor ERPs (erp_identity.tf), keyed by contractor id (one of contractors): the OIDC issuer of the ERP's platform, the subject (sub claim) of its workload, and the audiences its tokens carry (empty: the provider's default audience). No entry: the ERP gets no federated access."
  type = map(object({
    issuer_uri        = string
    subject           = string
    allowed_audiences = optional(list(string), [])
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for c, e in var.erp_workload_identity : startswith(e.issuer_uri, "https://") && e.subject != ""])
    error_message = "Each ERP needs an https:// issuer_uri and a non-empty subject."
  }
}

variable "web_allowed_origins" {
  description = "Extra browser origins (scheme://host[:port]) allowed to call the functions from the web application, e.g. a custom domain in front of the web app's Firebase Hosting site. The site's own web.app and firebaseapp.com origins are always allowed."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.web_allowed_origins : can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", o))])
    error_message = "Each origin must be https://host[:port], without path or trailing slash."
  }
}

variable "export_retention_days" {
  description = "Days an export archive (A8) is kept in the documents bucket before its lifecycle rule deletes it."
  type        = number
  default     = 7
}

variable "noncurrent_retention_days" {
  description = "Days a noncurrent (overwritten or deleted) version of a stored document or report is kept before deletion."
  type        = number
  default     = 30
}

variable "cmek" {
  description = "B15 encryption at rest with customer-managed Cloud KMS keys (kms.tf): the Firestore database, every bucket, every topic (contractors' run-time ones included), the log bucket and the functions' images. Off by default: Firestore takes a key only when the database is created (README, \"Customer-managed keys\"), and a disabled key stops the platform."
  type        = bool
  default     = false
  nullable    = false
}
