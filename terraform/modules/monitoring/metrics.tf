# Log-based metrics over the functions' structured JSON logs. Each counts the lines whose `event` field
# (jsonPayload.event in Cloud Logging) is one of the names in shared/log_events.py (LogEvent); tests/infra checks
# that every name used here is one of them and that every one of them is counted.
locals {
  #   event        the LogEvent value the line carries
  #   labels       fields of the line kept as metric labels (field => what it holds)
  #   value_field  distributions only: the numeric field whose values the metric records; counters count lines
  log_metrics = {
    job_completed = {
      event       = "job_completed", labels = {}, value_field = null, unit = "1"
      description = "Jobs settled: rendered, stored and charged."
    }
    job_gpu_seconds = {
      event       = "job_completed", labels = {}, value_field = "gpuSeconds", unit = "s"
      description = "GPU seconds each settled job was billed for by the GPU backend (the GPU spend alert's input)."
    }
    job_failed = {
      event       = "job_failed", labels = { code = "The job's error code." }, value_field = null, unit = "1"
      description = "Jobs failed and refunded, by error code."
    }
    job_retried = {
      event       = "job_retried", labels = { code = "What the loss was (lost, timed_out, worker_error, ...)." }, value_field = null, unit = "1"
      description = "Jobs lost by the GPU backend for an infrastructure reason and dispatched again, by the loss's code."
    }
    job_overdue = {
      event       = "job_overdue", labels = {}, value_field = null, unit = "1"
      description = "Unfinished jobs the sweep found past their deadline."
    }
    dispatch_retries_exhausted = {
      event       = "dispatch_retries_exhausted", labels = {}, value_field = null, unit = "1"
      description = "Jobs whose dispatch could not reach the GPU backend before the retries ran out."
    }
    webhook_rejected = {
      event       = "webhook_rejected", labels = { source = "Who sent it (runpod, truelayer)." }, value_field = null, unit = "1"
      description = "Incoming webhooks that failed their check (token, signature, body), by sender."
    }
    server_error = {
      event       = "server_error", labels = { status = "The HTTP status.", code = "The API error code." }, value_field = null, unit = "1"
      description = "Answers with a 5xx status, by status and error code."
    }
    settings_invalid = {
      event       = "settings_invalid", labels = {}, value_field = null, unit = "1"
      description = "Function instances that started with settings that do not validate."
    }
  }

  metric_names = { for key in keys(local.log_metrics) : key => "${var.name_prefix}-${replace(key, "_", "-")}" }

  # PromQL's name of each metric (logging.googleapis.com/user/<name>): the first "/" becomes ":", every other
  # character PromQL does not allow becomes "_"; metric names hold only lowercase letters, digits and hyphens.
  promql_metrics = { for key, name in local.metric_names : key => "logging_googleapis_com:user_${replace(name, "-", "_")}" }

  # Our functions only: each 2nd-gen function is a Cloud Run service, and its logs are the revision's.
  function_log_filter = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "resource.labels.service_name=(${join(" OR ", [for service in sort(values(var.services)) : "\"${service}\""])})",
  ])
}

resource "google_logging_metric" "this" {
  for_each = local.log_metrics

  project     = var.project_id
  name        = local.metric_names[each.key]
  description = each.value.description
  filter      = "${local.function_log_filter} AND jsonPayload.event=\"${each.value.event}\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = each.value.value_field == null ? "INT64" : "DISTRIBUTION"
    unit        = each.value.unit

    dynamic "labels" {
      for_each = each.value.labels
      content {
        key         = labels.key
        value_type  = "STRING"
        description = labels.value
      }
    }
  }

  label_extractors = { for field in keys(each.value.labels) : field => "EXTRACT(jsonPayload.${field})" }
  value_extractor  = each.value.value_field == null ? null : "EXTRACT(jsonPayload.${each.value.value_field})"

  # 1 s to about 18 hours in doublings; renders take minutes.
  dynamic "bucket_options" {
    for_each = each.value.value_field == null ? [] : [each.key]
    content {
      exponential_buckets {
        num_finite_buckets = 16
        growth_factor      = 2
        scale              = 1
      }
    }
  }
}
