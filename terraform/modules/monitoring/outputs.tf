output "notification_channel" {
  description = "The email notification channel every alert and the budget use."
  value       = google_monitoring_notification_channel.email.id
}

output "log_metrics" {
  description = "Log-based metric names (logging.googleapis.com/user/<name> in Cloud Monitoring)."
  value       = { for key, metric in google_logging_metric.this : key => metric.name }
}

output "alert_policies" {
  description = "Alert policy key => its display name."
  value       = { for key, policy in google_monitoring_alert_policy.this : key => policy.display_name }
}
