//! SLA: the tenant's plans and calendars as the ticket reads need them (kept with the ticket
//! catalogue, as of the tenant's `catalog_version`), a ticket's SLA state and a company's
//! monthly report, both computed from the recorded history when read (decision 0050).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use clientdesk_domain::business_hours::Timeline;
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_domain::sla::{self, Compliance, History, SlaState, Target, TargetState};
use clientdesk_domain::sla_trail;
use clientdesk_domain::tickets::Ticket;
use clientdesk_persistence::sla::{self as store, StoredPlan};
use clientdesk_persistence::{DbConnection, Result};

/// How far back and ahead of the day it is loaded a setup's business time is worked out in advance.
const TIMELINE_PAST_DAYS: i64 = 2 * 366;
const TIMELINE_AHEAD_DAYS: i64 = 366;

/// The tenant's SLA setup: plans with their calendars, the default plan and the plan of each
/// company that has its own.
#[derive(Debug, Default)]
pub struct SlaSetup {
    plans: HashMap<i64, (StoredPlan, Timeline)>,
    default_plan: Option<i64>,
    companies: HashMap<CompanyId, i64>,
}

impl SlaSetup {
    pub fn load(conn: &mut DbConnection, tenant: TenantId) -> Result<Self> {
        let plans = store::plans(conn, tenant)?;
        if plans.is_empty() {
            return Ok(Self::default());
        }
        // Business time is looked up from two years back to a year ahead without time-zone
        // arithmetic (see `Timeline`); the setup is reloaded with the catalogue.
        let today = Utc::now().date_naive();
        let (first, last) = (today - Duration::days(TIMELINE_PAST_DAYS), today + Duration::days(TIMELINE_AHEAD_DAYS));
        let calendars: HashMap<i64, Timeline> = store::calendars(conn, tenant)?
            .into_iter()
            .map(|c| (c.id, Timeline::new(c.calendar, first, last)))
            .collect();
        let default_plan = plans.iter().find(|p| p.is_default).map(|p| p.id);
        let plans = plans
            .into_iter()
            .filter_map(|p| Some((p.id, (calendars.get(&p.calendar_id)?.clone(), p))))
            .map(|(id, (calendar, plan))| (id, (plan, calendar)))
            .collect();
        let companies = store::company_plans(conn, tenant)?.into_iter().collect();
        Ok(Self { plans, default_plan, companies })
    }

    /// The plan a company's tickets follow: its own, or the tenant's default.
    pub fn plan_of(&self, company: CompanyId) -> Option<&(StoredPlan, Timeline)> {
        self.companies.get(&company).or(self.default_plan.as_ref()).and_then(|id| self.plans.get(id))
    }
}

/// The SLA state of a ticket at `now`, where a plan applies to its company.
pub fn ticket_state(setup: &SlaSetup, ticket: &Ticket, now: DateTime<Utc>) -> Option<SlaState> {
    let (plan, calendar) = setup.plan_of(ticket.company_id)?;
    let lines = sla_trail::read(&ticket.sla_trail);
    let now_as = (ticket.status, ticket.priority, ticket.provider_priority);
    let history = History::from_record(ticket.created_at, now_as, &lines);
    Some(sla::evaluate(&plan.plan, calendar, &history, now))
}

/// A missed target of a ticket in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    pub ticket_id: i64,
    pub number: i64,
    pub target: Target,
    pub state: TargetState,
}

/// How a company's tickets opened in a period fared.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The plan the company follows now, which every ticket is judged by.
    pub plan_id: Option<i64>,
    pub tickets: u64,
    pub first_response: Compliance,
    pub resolution: Compliance,
    /// By ticket number.
    pub breaches: Vec<Breach>,
}

/// The most threads one report judges its tickets on, and the fewest tickets worth a thread.
const REPORT_THREADS: usize = 4;
const PER_THREAD_AT_LEAST: usize = 5_000;

/// The SLA states of tickets, and their breaches.
fn judge(
    tickets: &[store::SlaTicket],
    plan: &StoredPlan,
    calendar: &Timeline,
    now: DateTime<Utc>,
) -> (Vec<SlaState>, Vec<Breach>) {
    let mut states = Vec::with_capacity(tickets.len());
    let mut breaches = Vec::new();
    for t in tickets {
        let history = History::from_record(t.opened_at, t.now_as, &t.lines);
        let state = sla::evaluate(&plan.plan, calendar, &history, now);
        breaches.extend(state.breaches().map(|(target, state)| Breach {
            ticket_id: t.id,
            number: t.number,
            target,
            state,
        }));
        states.push(state);
    }
    (states, breaches)
}

/// The report of the tickets `company` opened in `[from, to)`, judged at `now`.
pub fn report(
    conn: &mut DbConnection,
    setup: &SlaSetup,
    tenant: TenantId,
    company: CompanyId,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<Report> {
    let tickets = store::opened_between(conn, tenant, company, from, to)?;
    let Some((plan, calendar)) = setup.plan_of(company) else {
        let empty = Compliance::default();
        let count = tickets.len() as u64;
        return Ok(Report {
            plan_id: None,
            tickets: count,
            first_response: empty,
            resolution: empty,
            breaches: vec![],
        });
    };
    // Each ticket is judged on its own: a large month is spread over the cores.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(REPORT_THREADS);
    let part = tickets.len().div_ceil(threads).max(PER_THREAD_AT_LEAST);
    let judged: Vec<(Vec<SlaState>, Vec<Breach>)> = std::thread::scope(|scope| {
        let parts: Vec<_> =
            tickets.chunks(part).map(|part| scope.spawn(move || judge(part, plan, calendar, now))).collect();
        parts.into_iter().map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let states: Vec<SlaState> = judged.iter().flat_map(|(states, _)| states.iter().copied()).collect();
    let mut breaches: Vec<Breach> = judged.into_iter().flat_map(|(_, breaches)| breaches).collect();
    let (first_response, resolution) = sla::compliance(&states);
    breaches.sort_by_key(|b| (b.number, b.target));
    Ok(Report { plan_id: Some(plan.id), tickets: tickets.len() as u64, first_response, resolution, breaches })
}
