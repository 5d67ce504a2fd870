//! The backup archive: a plain POSIX tar (ustar) of regular files, so that `tar tvf` lists
//! it and `tar xf` unpacks it without `dui`. Only what the backup writes is supported: file
//! names under 100 bytes, sizes in octal or, past 8 GiB, in the base-256 form of GNU tar.

use std::io::{self, Read, Write};

const BLOCK: usize = 512;

/// Writes one header and the content of a file of `size` bytes read from `content`.
pub(crate) fn append(
    out: &mut impl Write,
    name: &str,
    size: u64,
    content: &mut impl Read,
) -> io::Result<()> {
    out.write_all(&header(name, size)?)?;
    let copied = io::copy(&mut content.take(size), out)?;
    if copied != size {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("{name} : {copied} octets lus sur {size}"),
        ));
    }
    out.write_all(&vec![0u8; padding(size)])
}

/// Writes the end of the archive (two zero blocks).
pub(crate) fn finish(out: &mut impl Write) -> io::Result<()> {
    out.write_all(&[0u8; 2 * BLOCK])
}

fn padding(size: u64) -> usize {
    (BLOCK - (size % BLOCK as u64) as usize) % BLOCK
}

fn header(name: &str, size: u64) -> io::Result<[u8; BLOCK]> {
    if name.len() >= 100 || name.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("nom de fichier d'archive invalide : {name}"),
        ));
    }
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..108].copy_from_slice(b"0000600\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    if size < 8u64.pow(11) {
        h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    } else {
        h[124] = 0x80;
        h[128..136].copy_from_slice(&size.to_be_bytes());
    }
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    h[136..148].copy_from_slice(format!("{:011o}\0", mtime.min(8u64.pow(11) - 1)).as_bytes());
    h[148..156].copy_from_slice(b"        ");
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    Ok(h)
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// Reads the archive entry by entry.
pub(crate) struct Reader<R> {
    inner: R,
    /// Bytes of the current entry's content and padding not yet read.
    pending: u64,
}

impl<R: Read> Reader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Reader { inner, pending: 0 }
    }

    /// The next entry's name and size (`None` at the end); read its content with
    /// [`Reader::content`] before asking for the next one (or it is skipped).
    pub(crate) fn next_entry(&mut self) -> io::Result<Option<(String, u64)>> {
        io::copy(&mut (&mut self.inner).take(self.pending), &mut io::sink())?;
        self.pending = 0;
        let mut h = [0u8; BLOCK];
        self.inner.read_exact(&mut h)?;
        if h.iter().all(|&b| b == 0) {
            return Ok(None);
        }
        let stored = parse_octal(&h[148..156])
            .ok_or_else(|| invalid("somme de contrôle d'en-tête illisible".into()))?;
        let mut copy = h;
        copy[148..156].copy_from_slice(b"        ");
        let sum: u64 = copy.iter().map(|&b| u64::from(b)).sum();
        if sum != stored {
            return Err(invalid(
                "en-tête d'archive altéré (somme de contrôle)".into(),
            ));
        }
        let end = h[..100].iter().position(|&b| b == 0).unwrap_or(100);
        let name = String::from_utf8_lossy(&h[..end]).into_owned();
        let size = if h[124] & 0x80 != 0 {
            let mut b = [0u8; 8];
            b.copy_from_slice(&h[128..136]);
            u64::from_be_bytes(b)
        } else {
            parse_octal(&h[124..136])
                .ok_or_else(|| invalid(format!("{name} : taille illisible")))?
        };
        if !matches!(h[156], b'0' | 0) {
            return Err(invalid(format!(
                "{name} : seuls des fichiers sont attendus"
            )));
        }
        self.pending = size + padding(size) as u64;
        Ok(Some((name, size)))
    }

    /// Copies the current entry's content (`size` bytes) into `out`.
    pub(crate) fn content(&mut self, size: u64, out: &mut impl Write) -> io::Result<()> {
        let copied = io::copy(&mut (&mut self.inner).take(size), out)?;
        if copied != size {
            return Err(invalid("archive tronquée".into()));
        }
        self.pending -= size;
        Ok(())
    }
}

fn parse_octal(field: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(field).ok()?;
    let digits = text.trim_matches(|c: char| c == '\0' || c == ' ');
    u64::from_str_radix(digits, 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_sizes() {
        let mut out = Vec::new();
        append(&mut out, "manifeste.json", 3, &mut &b"abc"[..]).expect("append");
        append(&mut out, "vide", 0, &mut &b""[..]).expect("append");
        let big = vec![7u8; 1000];
        append(&mut out, "donnees/x", 1000, &mut &big[..]).expect("append");
        finish(&mut out).expect("finish");
        assert_eq!(out.len() % BLOCK, 0);
        let mut r = Reader::new(&out[..]);
        let (n, s) = r.next_entry().expect("read").expect("entry");
        assert_eq!((n.as_str(), s), ("manifeste.json", 3));
        let mut c = Vec::new();
        r.content(s, &mut c).expect("content");
        assert_eq!(c, b"abc");
        assert_eq!(r.next_entry().expect("read"), Some(("vide".into(), 0)));
        // Skipped without reading its content.
        assert_eq!(
            r.next_entry().expect("read"),
            Some(("donnees/x".into(), 1000))
        );
        assert_eq!(r.next_entry().expect("read"), None);
        let h = header("gros", 9 << 30).expect("header");
        assert_eq!(h[124], 0x80);
        let mut tampered = out.clone();
        tampered[0] = b'n';
        assert!(Reader::new(&tampered[..]).next_entry().is_err());
    }
}
