//! A number written with letters only: the suffix that makes generated names distinct (a
//! name may not contain digits). Shared by `dui bench` and the crash test (which includes this
//! file, the binary having no library to import from).

/// `n` in base 26 with the letters `A`–`Z`, least significant first (`0` is `A`).
pub(crate) fn letters(mut n: u64) -> String {
    let mut s = String::new();
    loop {
        s.push((b'A' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}
