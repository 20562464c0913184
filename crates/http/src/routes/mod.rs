pub mod auth;
pub mod companies;
pub mod health;
pub mod me;
pub mod users;
