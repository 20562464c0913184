//! Tickets with their notes and history, the per-tenant ticket numbers and the ticket settings.
//!
//! `read` reads single tickets, `write` creates and changes them, `list` and `search` list and
//! search them, `events` keeps their history, `notes` their notes, `settings` the tenant's ticket
//! settings, and `row` how a ticket is stored.

mod events;
mod list;
mod notes;
mod read;
mod row;
mod search;
mod settings;
mod write;

pub use events::{events, record_events};
pub use list::{list, Page, Position, SortKey, TicketFilter};
pub use notes::{add_note, internal_note_ids, note_is_internal, notes};
pub use read::{get, get_named, People};
pub use row::ticket_time;
pub use search::SearchWord;
pub use settings::{put_settings, settings};
pub use write::{create, open, reserve_number, save, touch, NewTicket};
