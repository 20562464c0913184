pub mod attachments;
pub mod auth;
pub mod catalog;
pub mod companies;
pub mod health;
pub mod me;
pub mod tickets;
pub mod users;
