# The alert policies, all PromQL conditions, each notifying the operator's email channel. Conditions on the
# log-based metrics skip Cloud Monitoring's check that the metric exists: a new log-based metric can take up to
# ten minutes to become queryable, and the first apply would otherwise fail on it.
locals {
  # Log-based metrics map to several resource types; ours are written by Cloud Run revisions.
  from_functions = "{monitored_resource=\"cloud_run_revision\"}"

  # The load balancer's backends only: the internal dispatcher answers 503 on purpose so that Cloud Tasks retries
  # a delivery (webhook receivers that are down), which is not an error of the API.
  api_services = "monitored_resource=\"cloud_run_revision\", service_name=~\"${join("|", sort(var.api_services))}\""

  failed    = "sum(increase(${local.promql_metrics.job_failed}${local.from_functions}[1h]))"
  completed = "(sum(increase(${local.promql_metrics.job_completed}${local.from_functions}[1h])) or vector(0))"

  #   log_based            the query reads log-based metrics (their existence is not checked at creation)
  #   duration             how long the query must hold before an incident opens
  #   evaluation_interval  how often it is evaluated (a multiple of 30 s)
  alerts = {
    server_error_ratio = {
      title         = "API 5xx above ${var.server_error_ratio_percent} % of requests"
      severity      = "CRITICAL", log_based = false, duration = "300s", evaluation_interval = "60s"
      query         = <<-EOT
        100 * sum(rate(run_googleapis_com:request_count{${local.api_services}, response_code_class="5xx"}[10m]))
          / sum(rate(run_googleapis_com:request_count{${local.api_services}}[10m]))
          > ${var.server_error_ratio_percent}
      EOT
      documentation = <<-EOT
        For five minutes, more than ${var.server_error_ratio_percent} % of the answers of the functions behind the
        load balancer were 5xx (Cloud Run's request_count, last 10 minutes).

        - Logs Explorer: `jsonPayload.event="server_error"` shows each 5xx with its `status` and `code`; the
          `${local.metric_names.server_error}` metric counts them by both.
        - Right after a deploy: a function that cannot start logs `jsonPayload.event="settings_invalid"` and names
          the settings; `GET /api/healthz` answers 503 with the problems.
        - `code` = `unavailable`: a dependency did not answer (RunPod, Cloud Tasks, the moderation APIs; see
          `moderation_fail_open`). `busy`: Firestore transactions still contended after their retries.
        - `code` = `internal`: an exception; its trace is in the same function's logs.
      EOT
    }
    job_failure_ratio = {
      title    = "Job failures above ${var.job_failure_ratio_percent} % over an hour"
      severity = "ERROR", log_based = true, duration = "0s", evaluation_interval = "60s"
      # failed / (failed + completed); with no completed job in the hour the ratio is 1, not empty.
      query         = <<-EOT
        100 * ${local.failed} / (${local.failed} + ${local.completed}) > ${var.job_failure_ratio_percent}
          and (${local.failed} + ${local.completed}) >= ${var.job_failure_ratio_min_jobs}
      EOT
      documentation = <<-EOT
        Of the jobs that finished in the last hour (at least ${var.job_failure_ratio_min_jobs}), more than
        ${var.job_failure_ratio_percent} % failed and were refunded.

        - The `${local.metric_names.job_failed}` metric by `code` says which: `weights_missing` or `out_of_memory`
          point at the RunPod endpoint (its volume, its GPU class); `lost`, `timed_out` or `worker_error` after a
          retry (`attempt` 2) at RunPod itself; `invalid_input` at the requests.
        - Logs Explorer: `jsonPayload.event="job_failed"` gives each job's `jobId`, `code` and `attempt`;
          `jsonPayload.event="job_retried"` the renders that were lost and sent again.
        - RunPod console: the endpoint's workers, their logs and the request history.
      EOT
    }
    jobs_overdue = {
      title         = "Jobs unfinished past their deadline"
      severity      = "ERROR", log_based = true, duration = "0s", evaluation_interval = "60s"
      query         = "sum(increase(${local.promql_metrics.job_overdue}${local.from_functions}[10m])) > 0"
      documentation = <<-EOT
        The sweep found jobs still unfinished after their deadline; it cancels them on RunPod, then fails and
        refunds them (`timed_out`) unless RunPod had finished them.

        - Logs Explorer: `jsonPayload.event="job_overdue"` gives each `jobId`; the job's earlier lines (same
          `jobId`) show where it stopped.
        - Many at once: the RunPod endpoint has no workers (max workers, GPU availability) or its queue is long.
        - Jobs never dispatched: the `${var.name_prefix}-dispatch` Cloud Tasks queue and the dispatch function's logs.
      EOT
    }
    dispatch_retries_exhausted = {
      title         = "Dispatch retries exhausted"
      severity      = "ERROR", log_based = true, duration = "0s", evaluation_interval = "60s"
      query         = "sum(increase(${local.promql_metrics.dispatch_retries_exhausted}${local.from_functions}[10m])) > 0"
      documentation = <<-EOT
        A job could not be handed to the GPU backend before its dispatch retries ran out; it was failed and refunded
        (`dispatch_failed`).

        - Logs Explorer: `jsonPayload.event="dispatch_retries_exhausted"` and the dispatch function's errors around it
          (RunPod's answer: an invalid API key, a wrong endpoint id, RunPod down).
        - RunPod status page and the endpoint in the RunPod console.
        - The `${var.name_prefix}-runpod-api-key` secret: a rotated key needs a new function revision.
      EOT
    }
    gpu_daily_spend = {
      title    = "GPU spend above ${var.gpu_daily_spend_limit_usd} USD a day"
      severity = "WARNING", log_based = true, duration = "0s", evaluation_interval = "300s"
      # One day, the longest window the alerting conditions take (25 hours).
      query         = "sum(increase(${local.promql_metrics.job_gpu_seconds}_sum${local.from_functions}[1d])) * ${var.gpu_cost_per_second_usd} > ${var.gpu_daily_spend_limit_usd}"
      documentation = <<-EOT
        The GPU seconds of the jobs settled in the last 24 hours, at ${var.gpu_cost_per_second_usd} USD a second
        (`gpu_cost_per_second_usd`, the admin console's price), add up to more than ${var.gpu_daily_spend_limit_usd} USD.

        - The admin console's overview: GPU time per plan and the heaviest users.
        - A user rendering far more than usual: their jobs in the admin console's table.
        - RunPod's own billing is authoritative; this figure leaves out cold starts and idle workers.
      EOT
    }
    webhook_rejections = {
      title         = "Incoming webhooks rejected"
      severity      = "WARNING", log_based = true, duration = "0s", evaluation_interval = "60s"
      query         = "sum by (source) (increase(${local.promql_metrics.webhook_rejected}${local.from_functions}[1h])) > ${var.webhook_rejections_per_hour}"
      documentation = <<-EOT
        More than ${var.webhook_rejections_per_hour} incoming webhooks from one sender failed their check in an hour.

        - `source` = `runpod`: per-job tokens that do not match. After rotating `${var.name_prefix}-webhook-token-secret`
          the jobs on the GPU at that moment are settled by the sweep instead; otherwise someone is probing the URL.
        - `source` = `truelayer`: signatures that do not verify; check the TrueLayer environment (sandbox or
          production) and its JWKS hosts.
        - Logs Explorer: `jsonPayload.event="webhook_rejected"`.
      EOT
    }
    settings_invalid = {
      title         = "Function started with invalid settings"
      severity      = "CRITICAL", log_based = true, duration = "0s", evaluation_interval = "60s"
      query         = "sum(increase(${local.promql_metrics.settings_invalid}${local.from_functions}[10m])) > 0"
      documentation = <<-EOT
        A function instance started with settings that do not validate, and answers with errors.

        - Logs Explorer: `jsonPayload.event="settings_invalid"` names the settings (never their values).
        - A missing or placeholder secret: add a version (terraform/README.md, Secrets), then deploy a new revision.
      EOT
    }
  }
}

resource "google_monitoring_notification_channel" "email" {
  project      = var.project_id
  display_name = "${var.name_prefix} operator (${var.alert_email})"
  type         = "email"
  labels       = { email_address = var.alert_email }
}

resource "google_monitoring_alert_policy" "this" {
  for_each = local.alerts

  project               = var.project_id
  display_name          = "${var.name_prefix}: ${each.value.title}"
  combiner              = "OR"
  severity              = each.value.severity
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = each.value.title

    condition_prometheus_query_language {
      query                     = each.value.query
      duration                  = each.value.duration
      evaluation_interval       = each.value.evaluation_interval
      disable_metric_validation = each.value.log_based
    }
  }

  documentation {
    subject   = "[${var.name_prefix}] ${each.value.title}"
    content   = each.value.documentation
    mime_type = "text/markdown"
  }

  depends_on = [google_logging_metric.this] # created first, even though their existence is not checked
}
