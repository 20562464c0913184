//! Password hashing with argon2id. Hashing is slow on purpose: requests hash and verify through
//! [`PasswordHasherConfig::run`], which takes one of a few permits (about one per core) before it
//! takes a blocking thread, so that a flood of passwords waits its turn instead of taking the
//! threads and cores that database work needs.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

/// argon2id cost. The default is OWASP's recommendation (19 MiB, 2 passes, 1 lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        Self { memory_kib: 19_456, iterations: 2, parallelism: 1 }
    }
}

#[derive(Clone)]
pub struct PasswordHasherConfig {
    cost: HashCost,
    /// A hash of a random password, verified when the account does not exist so that an
    /// unknown user takes as long to refuse as a wrong password.
    dummy_hash: String,
    /// Permits of [`Self::run`]: how many hashes run at once.
    permits: Arc<Semaphore>,
}

impl PasswordHasherConfig {
    /// A hasher that runs as many hashes at once as there are cores.
    pub fn new(cost: HashCost) -> Result<Self, String> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut this = Self { cost, dummy_hash: String::new(), permits: Arc::new(Semaphore::new(cores)) };
        this.dummy_hash = this.hash(&super::secrets::random_token(16))?;
        Ok(this)
    }

    /// The same, running at most `permits` (at least one) hashes at once.
    pub fn with_concurrency(self, permits: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(permits.max(1))), ..self }
    }

    /// Runs `f` (hashing or verifying) on the blocking pool once a permit is free: every request
    /// hashes through here, so hashing never holds more than its permits' threads and cores.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce(&Self) -> T + Send + 'static,
    {
        let permit = self.permits.clone().acquire_owned().await.map_err(|e| e.to_string())?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f(&this)
        })
        .await
        .map_err(|e| format!("password hashing: {e}"))
    }

    fn argon2(&self) -> Result<Argon2<'static>, String> {
        let params = Params::new(self.cost.memory_kib, self.cost.iterations, self.cost.parallelism, None)
            .map_err(|e| format!("argon2 parameters: {e}"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    pub fn hash(&self, password: &str) -> Result<String, String> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()?.hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
    }

    /// Checks `password` against `stored`, or against the dummy hash when there is no stored
    /// hash, so both cases cost the same.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let Some(stored) = stored else {
            let _ = self.verify_against(password, &self.dummy_hash);
            return false;
        };
        self.verify_against(password, stored)
    }

    fn verify_against(&self, password: &str, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else { return false };
        // Verify with the parameters recorded in the hash, whatever the current cost.
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    }

    /// Whether `stored` was made with other parameters than today's, so it should be rehashed
    /// now that the password is known.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else { return true };
        let Ok(params) = Params::try_from(&parsed) else { return true };
        parsed.algorithm.as_str() != "argon2id"
            || params.m_cost() != self.cost.memory_kib
            || params.t_cost() != self.cost.iterations
            || params.p_cost() != self.cost.parallelism
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: HashCost = HashCost { memory_kib: 1024, iterations: 1, parallelism: 1 };

    #[test]
    fn hash_verify_and_rehash() {
        let hasher = PasswordHasherConfig::new(CHEAP).unwrap();
        let hash = hasher.hash("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("correct horse battery staple", Some(&hash)));
        assert!(!hasher.verify("correct horse battery stapl", Some(&hash)));
        assert!(!hasher.verify("anything", None));
        assert!(!hasher.needs_rehash(&hash));
        let stronger = PasswordHasherConfig::new(HashCost { memory_kib: 2048, ..CHEAP }).unwrap();
        assert!(stronger.needs_rehash(&hash));
        assert!(stronger.verify("correct horse battery staple", Some(&hash)), "old hashes still verify");
    }

    #[tokio::test]
    async fn hashing_runs_within_its_permits() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let hasher = Arc::new(PasswordHasherConfig::new(CHEAP).unwrap().with_concurrency(2));
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let runs: Vec<_> = (0..8)
            .map(|_| {
                let (hasher, running, most) = (hasher.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    hasher
                        .run(move |h| {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            let hash = h.hash("x");
                            running.fetch_sub(1, Ordering::SeqCst);
                            hash
                        })
                        .await
                })
            })
            .collect();
        for run in runs {
            assert!(run.await.unwrap().unwrap().is_ok());
        }
        assert!(most.load(Ordering::SeqCst) <= 2, "at most two hashes at once");
    }
}
