//! What each server process keeps of the database between requests. Every entry is kept as of a
//! version that the database raises in the transaction of each change and that requests read, so
//! a change is seen at once by every process and a process holds no state of its own.

pub mod catalogue;
pub mod kb_answers;
pub mod session;
