//! Prometheus counters, kept in atomics and written in the text exposition format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Metrics {
    responses: [AtomicU64; 5],
    signins_succeeded: AtomicU64,
    signins_failed: AtomicU64,
    signins_throttled: AtomicU64,
}

pub enum SigninOutcome {
    Succeeded,
    Failed,
    Throttled,
}

impl Metrics {
    pub fn record_response(&self, status: u16) {
        let class = (status / 100).clamp(1, 5) as usize - 1;
        self.responses[class].fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_signin(&self, outcome: SigninOutcome) {
        let counter = match outcome {
            SigninOutcome::Succeeded => &self.signins_succeeded,
            SigninOutcome::Failed => &self.signins_failed,
            SigninOutcome::Throttled => &self.signins_throttled,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP clientdesk_http_responses_total HTTP responses by status class.\n");
        out.push_str("# TYPE clientdesk_http_responses_total counter\n");
        for (i, counter) in self.responses.iter().enumerate() {
            let _ = writeln!(
                out,
                "clientdesk_http_responses_total{{class=\"{}xx\"}} {}",
                i + 1,
                counter.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP clientdesk_signins_total Sign-in attempts by outcome.\n");
        out.push_str("# TYPE clientdesk_signins_total counter\n");
        for (label, counter) in [
            ("succeeded", &self.signins_succeeded),
            ("failed", &self.signins_failed),
            ("throttled", &self.signins_throttled),
        ] {
            let _ =
                writeln!(out, "clientdesk_signins_total{{outcome=\"{label}\"}} {}", counter.load(Ordering::Relaxed));
        }
        out
    }
}
