pub mod auth;
pub mod companies;
pub mod health;
pub mod kb;
pub mod me;
pub mod users;
