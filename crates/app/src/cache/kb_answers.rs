//! Customers' search and suggestion answers, cached per server process as the JSON they were sent
//! as. Ranking is the dear part of a search (every visible match is scored: about 2 µs a match on
//! SQLite, more on PostgreSQL, and a common word matches thousands of articles), while the
//! knowledge base changes a few times a day and people ask the same things. An answer is keyed by
//! everything that decides it: the tenant's `kb_version` (raised in the transaction of every
//! article change, and read with the tenant row every request loads anyway, so a change is seen
//! at once by every process), the reader's visibility facts, the query, filters and page. Old
//! versions' answers are never asked for again and age out of the LRU.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use clientdesk_domain::entities::Tenant;
use clientdesk_domain::ids::{CategoryId, TenantId};
use clientdesk_domain::kb::{Reader, TextQuery};
use clientdesk_domain::user::Language;
use clientdesk_persistence::kb::Readable;
use lru::LruCache;

/// What was asked, beside who asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Asked {
    Search {
        query: TextQuery,
        category: Option<CategoryId>,
        tag: Option<String>,
        language: Option<Language>,
        limit: i64,
        offset: i64,
    },
    /// A ticket draft, as the words `clientdesk_domain::kb::draft_words` reads from it.
    Suggestions { words: Vec<String>, limit: i64 },
    /// What the reader may read (what searches check their matches against, and suggestions
    /// weigh words against).
    Readable,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    tenant: TenantId,
    version: i64,
    reader: Reader,
    asked: Asked,
}

impl Key {
    pub fn new(tenant: &Tenant, reader: &Reader, asked: Asked) -> Self {
        Self { tenant: tenant.id, version: tenant.kb_version, reader: reader.clone(), asked }
    }
}

/// An LRU of answer bodies; with no room (`CLIENTDESK_KB_SEARCH_CACHE=0`) it keeps nothing.
pub struct SearchCache {
    entries: Option<Mutex<LruCache<Key, Bytes>>>,
    /// Per reader and KB version, what it may read: kept even where answers are not (reading
    /// it takes about as long as a few searches, and every search and suggestion uses it).
    readable: Mutex<LruCache<Key, Readable>>,
}

/// Readers whose readable articles each process keeps (about 12 kB each for 100,000 articles).
const READABLE_SETS: NonZeroUsize = NonZeroUsize::new(1024).expect("not zero");

impl SearchCache {
    pub fn new(entries: usize) -> Self {
        Self {
            entries: NonZeroUsize::new(entries).map(|n| Mutex::new(LruCache::new(n))),
            readable: Mutex::new(LruCache::new(READABLE_SETS)),
        }
    }

    /// What the reader of `key` (`Asked::Readable`) may read: kept, or read with `read` and kept.
    pub fn readable<E>(&self, key: Key, read: impl FnOnce() -> Result<Readable, E>) -> Result<Readable, E> {
        if let Some(kept) = self.readable.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Ok(kept.clone());
        }
        let readable = read()?;
        self.readable.lock().unwrap_or_else(PoisonError::into_inner).put(key, readable.clone());
        Ok(readable)
    }

    pub fn get(&self, key: &Key) -> Option<Bytes> {
        self.entries.as_ref()?.lock().unwrap_or_else(PoisonError::into_inner).get(key).cloned()
    }

    pub fn put(&self, key: Key, body: Bytes) {
        if let Some(entries) = &self.entries {
            entries.lock().unwrap_or_else(PoisonError::into_inner).put(key, body);
        }
    }
}
