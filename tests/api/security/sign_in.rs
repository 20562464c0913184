//! Sign-in, passwords and sessions: throttles that count atomically, lock-out that cannot be used
//! as a weapon, password hashing that cannot starve the server, and sessions that end.
