# Cloud Tasks carries "dispatch this job" and "deliver this webhook" to the dispatch function; Cloud Scheduler
# calls the sweep and the renewal. Both sign their calls with an OIDC token of a dedicated service account.

resource "google_cloud_tasks_queue" "dispatch" {
  project  = var.project_id
  location = var.region
  name     = "${var.name_prefix}-dispatch"

  rate_limits {
    max_dispatches_per_second = var.queue_max_dispatches_per_second
    max_concurrent_dispatches = var.queue_max_concurrent_dispatches
  }

  # The dispatch function answers 503 while Firestore is contended or RunPod is unreachable; retry with backoff
  # for up to 30 minutes, after which the sweep fails the still-queued job and refunds it.
  retry_config {
    max_attempts       = 20
    max_retry_duration = "1800s"
    min_backoff        = "5s"
    max_backoff        = "300s"
    max_doublings      = 5
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.this]
}

# Outgoing webhooks: each task delivers one job event to the creator's URL, through the dispatch function
# (POST /api/tasks/webhook, same OIDC invoker as the dispatch tasks). A receiver that is down is retried with
# exponential backoff: 10 s doubling to the hourly maximum (10 s, 20 s, ... 2560 s, then every 3600 s), and
# Cloud Tasks stops only once both limits are reached, 12 attempts and 12 hours after the first: about 20
# attempts over 12 hours. A queue of its own, so slow receivers never hold up the dispatch of renders.
resource "google_cloud_tasks_queue" "webhooks" {
  project  = var.project_id
  location = var.region
  name     = "${var.name_prefix}-webhooks"

  rate_limits {
    max_dispatches_per_second = var.webhook_queue_max_dispatches_per_second
    max_concurrent_dispatches = var.webhook_queue_max_concurrent_dispatches
  }

  retry_config {
    max_attempts       = 12
    max_retry_duration = "86400s"
    min_backoff        = "10s"
    max_backoff        = "3600s"
    max_doublings      = 8
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.this]
}

locals {
  schedules = {
    sweep = {
      function    = "sweep"
      schedule    = var.sweep_schedule
      description = "Reconcile jobs with RunPod, re-send lost dispatches, refund timed-out jobs, expire old videos."
    }
    renew = {
      function    = "renew"
      schedule    = var.renew_schedule
      description = "Start the payment of every plan period that is due."
    }
  }
}

resource "google_cloud_scheduler_job" "this" {
  for_each = local.schedules

  project          = var.project_id
  region           = var.region
  name             = "${var.name_prefix}-${each.key}"
  description      = each.value.description
  schedule         = each.value.schedule
  time_zone        = var.schedule_time_zone
  attempt_deadline = "${min(local.sized_functions[each.value.function].timeout_seconds, 1800)}s"

  retry_config {
    retry_count          = 1
    min_backoff_duration = "30s"
    max_backoff_duration = "120s"
  }

  http_target {
    http_method = "POST"
    uri         = "${local.function_urls[each.value.function]}/api/tasks/${each.key}"
    body        = base64encode("{}")
    headers = {
      "Content-Type" = "application/json"
    }

    # The audience is the function's own run.app URL: Cloud Run admits the token, and the function checks it
    # against its INTERNAL_AUDIENCE (where set) and the caller against INTERNAL_INVOKERS.
    oidc_token {
      service_account_email = google_service_account.invoker["scheduler"].email
      audience              = local.function_urls[each.value.function]
    }
  }

  depends_on = [module.function]
}
