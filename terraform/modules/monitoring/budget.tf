# An optional monthly budget on the project's spend (Cloud Run, Firestore, the load balancer, ...; not RunPod or
# R2, which bill elsewhere). It mails the same channel as the alerts at half, 90 % and all of the amount, and
# when the month's forecast passes it; the billing account's administrators get Google's default mails too.
resource "google_billing_budget" "this" {
  count    = var.billing_account_id == null ? 0 : 1
  provider = google.billing

  billing_account = var.billing_account_id
  display_name    = "${var.name_prefix} monthly budget"

  budget_filter {
    projects        = ["projects/${var.project_number}"]
    calendar_period = "MONTH"
  }

  amount {
    specified_amount {
      units = tostring(var.monthly_budget_amount)
    }
  }

  dynamic "threshold_rules" {
    for_each = [0.5, 0.9, 1.0]
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "CURRENT_SPEND"
    }
  }

  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  all_updates_rule {
    monitoring_notification_channels = [google_monitoring_notification_channel.email.id]
    disable_default_iam_recipients   = false
  }
}
