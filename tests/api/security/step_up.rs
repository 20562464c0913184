//! Step-up and phones: a second factor cannot be swapped for an easier one, SMS cannot be pumped,
//! and a device link never yields a session without the user's second factor.
