//! A local SMTP server that accepts every message and keeps it in memory, for the tests and the
//! outbox benchmark. It speaks what an SMTP client such as lettre needs (greeting, EHLO/HELO,
//! MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and can answer a number of
//! transactions with a transient error, so that retries can be seen.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One accepted message, as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The message itself (headers and body), dot-unstuffed, without the final `.` line.
    pub data: Vec<u8>,
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// Transactions still to refuse with 451 at the end of DATA.
    refuse: AtomicUsize,
}

/// The sink; it stops listening when dropped.
pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accepting: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl SmtpSink {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let accepting = tokio::spawn({
            let shared = shared.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let shared = shared.clone();
                    tokio::spawn(async move {
                        // A client that hangs up mid-transaction is its own business.
                        let _ = session(stream, &shared).await;
                    });
                }
            }
        });
        Ok(Self { addr, shared, accepting })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Answers the next `n` transactions with `451` (try again later) instead of accepting them.
    pub fn refuse_next(&self, n: usize) {
        self.shared.refuse.store(n, Ordering::SeqCst);
    }

    /// The messages accepted so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn count(&self) -> usize {
        self.shared.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }
}

/// The address inside `FROM:<a@b> SIZE=12` or `TO:<a@b>`.
fn path_argument(argument: &str) -> String {
    let start = argument.find('<').map_or(0, |i| i + 1);
    let end = argument[start..].find('>').map_or(argument.len(), |i| start + i);
    argument[start..end].to_owned()
}

async fn session(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 localhost clientdesk SMTP sink\r\n").await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end();
        let (verb, argument) = command.split_once(' ').unwrap_or((command, ""));
        let reply: &[u8] = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => b"250-localhost\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n",
            "HELO" => b"250 localhost\r\n",
            "MAIL" => {
                from = Some(path_argument(argument));
                to.clear();
                b"250 OK\r\n"
            }
            "RCPT" if from.is_some() => {
                to.push(path_argument(argument));
                b"250 OK\r\n"
            }
            "DATA" if from.is_some() && !to.is_empty() => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let data = read_data(&mut lines).await?;
                let refused =
                    shared.refuse.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                let envelope = (from.take().unwrap_or_default(), std::mem::take(&mut to));
                if refused {
                    b"451 4.3.0 Try again later\r\n"
                } else {
                    let message = Received { from: envelope.0, to: envelope.1, data };
                    shared.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(message);
                    b"250 OK queued\r\n"
                }
            }
            "RCPT" | "DATA" => b"503 5.5.1 Bad sequence of commands\r\n",
            "RSET" => {
                from = None;
                to.clear();
                b"250 OK\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// Reads DATA lines up to the lone `.`, undoing dot-stuffing (RFC 5321, 4.5.2).
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        let unstuffed = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
        data.extend_from_slice(unstuffed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_address_of_a_path() {
        assert_eq!(path_argument("FROM:<a@example.com> SIZE=12"), "a@example.com");
        assert_eq!(path_argument("TO:<b@example.com>"), "b@example.com");
        assert_eq!(path_argument("FROM:<>"), "");
    }

    #[tokio::test]
    async fn accepts_refuses_and_unstuffs() {
        let sink = SmtpSink::start().await.unwrap();
        sink.refuse_next(1);
        let stream = TcpStream::connect(("127.0.0.1", sink.port())).await.unwrap();
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        let mut transcript = String::new();
        let mut reply = String::new();
        lines.read_line(&mut reply).await.unwrap();
        let transaction = b"MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n";
        for round in 0..2 {
            write.write_all(b"EHLO client\r\n").await.unwrap();
            for _ in 0..3 {
                reply.clear();
                lines.read_line(&mut reply).await.unwrap();
            }
            write.write_all(transaction).await.unwrap();
            for _ in 0..3 {
                reply.clear();
                lines.read_line(&mut reply).await.unwrap();
                transcript.push_str(&reply);
            }
            write.write_all(format!("Subject: {round}\r\n\r\n..leading dot\r\n.\r\n").as_bytes()).await.unwrap();
            reply.clear();
            lines.read_line(&mut reply).await.unwrap();
            transcript.push_str(&reply);
        }
        assert!(transcript.contains("451"), "{transcript}");
        let received = sink.received();
        assert_eq!(received.len(), 1, "the first transaction is refused, the second kept");
        assert_eq!(received[0].from, "a@example.com");
        assert_eq!(received[0].to, ["b@example.com"]);
        assert_eq!(received[0].data, b"Subject: 1\r\n\r\n.leading dot\r\n");
    }
}
