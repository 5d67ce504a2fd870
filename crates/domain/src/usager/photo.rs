//! The usager's photo: what is accepted, and what is kept of it.
//!
//! A photo helps staff recognise the person (identitovigilance: the right care to the right
//! person). A photo taken with a phone carries metadata that has nothing to do in a file:
//! the place it was taken (GPS), the device, the time. Only JPEG and PNG are accepted, and
//! they are rewritten without their metadata: JPEG keeps its image, colour profile and
//! orientation (rewritten as the only EXIF field), PNG keeps its image chunks only.

/// The largest photo accepted, in bytes.
pub const TAILLE_MAX: usize = 2 * 1024 * 1024;

/// An accepted image format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatPhoto {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
}

impl FormatPhoto {
    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            FormatPhoto::Jpeg => "image/jpeg",
            FormatPhoto::Png => "image/png",
        }
    }

    /// The format of a stored media type.
    pub fn from_media_type(s: &str) -> Option<FormatPhoto> {
        match s {
            "image/jpeg" => Some(FormatPhoto::Jpeg),
            "image/png" => Some(FormatPhoto::Png),
            _ => None,
        }
    }
}

/// A photo ready to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    /// Its format.
    pub format: FormatPhoto,
    /// The image, without metadata.
    pub octets: Vec<u8>,
}

/// Why a photo is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoRefusee {
    /// No content.
    Vide,
    /// Larger than [`TAILLE_MAX`] (the size received).
    TropGrande(usize),
    /// Neither JPEG nor PNG.
    FormatNonPrisEnCharge,
    /// Says JPEG or PNG but its structure is broken.
    Illisible,
}

impl PhotoRefusee {
    /// The message shown to the user.
    pub fn message(&self) -> String {
        match self {
            PhotoRefusee::Vide => "Le fichier de la photo est vide.".into(),
            PhotoRefusee::TropGrande(n) => format!(
                "La photo pèse {} Mo : 2 Mo au plus sont acceptés. Réduisez sa taille puis recommencez.",
                format!("{:.1}", *n as f64 / (1024.0 * 1024.0)).replace('.', ",")
            ),
            PhotoRefusee::FormatNonPrisEnCharge => {
                "Format non pris en charge : seules les photos JPEG et PNG sont acceptées.".into()
            }
            PhotoRefusee::Illisible => {
                "Le fichier se présente comme une image JPEG ou PNG mais il est endommagé.".into()
            }
        }
    }
}

/// Checks a photo and strips its metadata.
pub fn nettoyer(octets: &[u8]) -> Result<Photo, PhotoRefusee> {
    if octets.is_empty() {
        return Err(PhotoRefusee::Vide);
    }
    if octets.len() > TAILLE_MAX {
        return Err(PhotoRefusee::TropGrande(octets.len()));
    }
    if octets.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return jpeg(octets).map(|o| Photo {
            format: FormatPhoto::Jpeg,
            octets: o,
        });
    }
    if octets.starts_with(PNG_SIGNATURE) {
        return png(octets).map(|o| Photo {
            format: FormatPhoto::Png,
            octets: o,
        });
    }
    Err(PhotoRefusee::FormatNonPrisEnCharge)
}

const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Rewrites a JPEG without its application segments (EXIF, XMP, maker notes…) and comments,
/// keeping JFIF, the ICC colour profile, Adobe's colour transform and the orientation.
fn jpeg(b: &[u8]) -> Result<Vec<u8>, PhotoRefusee> {
    let mut kept: Vec<u8> = Vec::with_capacity(b.len());
    let mut orientation = None;
    let mut i = 2;
    loop {
        // Markers may be preceded by fill bytes 0xFF.
        if b.get(i) != Some(&0xFF) {
            return Err(PhotoRefusee::Illisible);
        }
        while b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let marker = *b.get(i + 1).ok_or(PhotoRefusee::Illisible)?;
        if marker == 0xD9 {
            kept.extend_from_slice(&b[i..i + 2]);
            break;
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            kept.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        let len = b
            .get(i + 2..i + 4)
            .map(|l| u16::from_be_bytes([l[0], l[1]]) as usize)
            .filter(|l| *l >= 2)
            .ok_or(PhotoRefusee::Illisible)?;
        let end = i + 2 + len;
        let segment = b.get(i..end).ok_or(PhotoRefusee::Illisible)?;
        if marker == 0xDA {
            // Start of scan: the compressed image follows, up to the end of the file.
            kept.extend_from_slice(&b[i..]);
            break;
        }
        let payload = &segment[4..];
        match marker {
            0xE1 if payload.starts_with(b"Exif\0\0") => {
                orientation = orientation.or_else(|| exif_orientation(&payload[6..]));
            }
            0xE2 if payload.starts_with(b"ICC_PROFILE\0") => kept.extend_from_slice(segment),
            0xE0 | 0xEE => kept.extend_from_slice(segment),
            0xE1..=0xEF | 0xFE => {}
            _ => kept.extend_from_slice(segment),
        }
        i = end;
    }
    let mut out = Vec::with_capacity(kept.len() + 40);
    out.extend_from_slice(&[0xFF, 0xD8]);
    if let Some(o) = orientation {
        out.extend_from_slice(&exif_with_orientation(o));
    }
    out.extend_from_slice(&kept);
    Ok(out)
}

/// The orientation tag (0x0112) of IFD0 of an EXIF block (TIFF structure), if valid.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(0..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |p: usize| {
        tiff.get(p..p + 2).map(|s| {
            if big {
                u16::from_be_bytes([s[0], s[1]])
            } else {
                u16::from_le_bytes([s[0], s[1]])
            }
        })
    };
    let u32_at = |p: usize| {
        tiff.get(p..p + 4).map(|s| {
            let a = [s[0], s[1], s[2], s[3]];
            if big {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    (0..count.min(512)).find_map(|k| {
        let e = ifd + 2 + 12 * k;
        (u16_at(e)? == 0x0112 && u16_at(e + 2)? == 3)
            .then(|| u16_at(e + 8))
            .flatten()
            .filter(|o| (1..=8).contains(o))
    })
}

/// An APP1 segment whose EXIF block holds the orientation and nothing else.
fn exif_with_orientation(o: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2A");
    tiff.extend_from_slice(&8u32.to_be_bytes());
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&o.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let len = (2 + 6 + tiff.len()) as u16;
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}

/// Rewrites a PNG with its image chunks only (text, time and EXIF chunks go).
fn png(b: &[u8]) -> Result<Vec<u8>, PhotoRefusee> {
    const KEPT: [&[u8; 4]; 12] = [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
        b"pHYs", b"bKGD",
    ];
    let mut out = PNG_SIGNATURE.to_vec();
    let mut i = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        let head = b.get(i..i + 8).ok_or(PhotoRefusee::Illisible)?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        if first && kind != b"IHDR" {
            return Err(PhotoRefusee::Illisible);
        }
        first = false;
        let end = i + 12 + len;
        let chunk = b.get(i..end).ok_or(PhotoRefusee::Illisible)?;
        if KEPT.iter().any(|k| k.as_slice() == kind) {
            out.extend_from_slice(chunk);
        }
        if kind == b"IEND" {
            return Ok(out);
        }
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever follows a JPEG or PNG signature: an answer, never a panic; and what is
        /// accepted is accepted again unchanged.
        #[test]
        fn any_bytes_get_an_answer(tail in proptest::collection::vec(any::<u8>(), 0..400), is_jpeg in any::<bool>()) {
            let mut b = if is_jpeg { vec![0xFF, 0xD8, 0xFF] } else { PNG_SIGNATURE.to_vec() };
            b.extend(tail);
            if let Ok(p) = nettoyer(&b) {
                prop_assert_eq!(nettoyer(&p.octets), Ok(p));
            }
        }
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// A little-endian EXIF block with the orientation and a GPS pointer.
    fn exif(orientation: u16) -> Vec<u8> {
        let mut t = b"Exif\0\0II\x2A\0".to_vec();
        t.extend_from_slice(&8u32.to_le_bytes());
        t.extend_from_slice(&2u16.to_le_bytes());
        // GPS IFD pointer (tag 0x8825, LONG).
        t.extend_from_slice(&0x8825u16.to_le_bytes());
        t.extend_from_slice(&4u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&38u32.to_le_bytes());
        t.extend_from_slice(&0x0112u16.to_le_bytes());
        t.extend_from_slice(&3u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&orientation.to_le_bytes());
        t.extend_from_slice(&[0, 0]);
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(b"GPS 45.7640N 4.8357E");
        t
    }

    fn jpeg_with(app: &[Vec<u8>]) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        j.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        for a in app {
            j.extend_from_slice(a);
        }
        j.extend(segment(0xDB, &[0; 65]));
        j.extend(segment(0xFE, b"Appareil de Mme Dupont"));
        j.extend(segment(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
        j.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
        j
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn jpeg_loses_its_metadata_and_keeps_image_and_orientation() {
        let xmp = segment(
            0xE1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS</x:xmpmeta>",
        );
        let icc = segment(0xE2, b"ICC_PROFILE\0\x01\x01profil");
        let input = jpeg_with(&[segment(0xE1, &exif(6)), xmp, icc]);
        let p = nettoyer(&input).unwrap();
        assert_eq!(p.format, FormatPhoto::Jpeg);
        assert!(!contains(&p.octets, b"GPS"), "GPS EXIF and XMP go");
        assert!(!contains(&p.octets, b"Mme Dupont"), "comments go");
        assert!(contains(&p.octets, b"ICC_PROFILE"), "colour profile stays");
        assert!(contains(&p.octets, b"JFIF"));
        // The compressed image is untouched, up to the end of the file.
        assert!(p
            .octets
            .ends_with(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]));
        // Orientation 6 rewritten as the only EXIF field, and readable again.
        assert_eq!(&p.octets[..4], &[0xFF, 0xD8, 0xFF, 0xE1]);
        assert_eq!(exif_orientation(&p.octets[12..]), Some(6));
        // Cleaning again changes nothing.
        assert_eq!(nettoyer(&p.octets).unwrap(), p);
    }

    #[test]
    fn jpeg_without_exif_gets_none() {
        let p = nettoyer(&jpeg_with(&[])).unwrap();
        assert!(!contains(&p.octets, b"Exif"));
        assert_eq!(
            exif_orientation(&exif(9)[6..]),
            None,
            "orientation 1 to 8 only"
        );
    }

    #[test]
    fn png_keeps_image_chunks_only() {
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let mut input = PNG_SIGNATURE.to_vec();
        input.extend(chunk(b"IHDR", &[0; 13]));
        input.extend(chunk(b"tEXt", b"Author\0Mme Dupont"));
        input.extend(chunk(b"eXIf", b"MM\0*GPS"));
        input.extend(chunk(b"IDAT", &[7; 20]));
        input.extend(chunk(b"IEND", &[]));
        let p = nettoyer(&input).unwrap();
        assert_eq!(p.format, FormatPhoto::Png);
        assert!(!contains(&p.octets, b"Mme Dupont") && !contains(&p.octets, b"GPS"));
        assert!(contains(&p.octets, b"IDAT") && p.octets.ends_with(&chunk(b"IEND", &[])));
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(nettoyer(b""), Err(PhotoRefusee::Vide));
        assert_eq!(
            nettoyer(b"GIF89a...."),
            Err(PhotoRefusee::FormatNonPrisEnCharge)
        );
        assert_eq!(
            nettoyer(b"%PDF-1.7"),
            Err(PhotoRefusee::FormatNonPrisEnCharge)
        );
        let big = vec![0xFF; TAILLE_MAX + 1];
        assert_eq!(
            nettoyer(&big),
            Err(PhotoRefusee::TropGrande(TAILLE_MAX + 1))
        );
        assert!(PhotoRefusee::TropGrande(3 * 1024 * 1024)
            .message()
            .contains("3,0 Mo"));
        // Truncated anywhere: refused, never a panic.
        let good = jpeg_with(&[segment(0xE1, &exif(3))]);
        for cut in 3..40 {
            assert_eq!(
                nettoyer(&good[..cut]),
                Err(PhotoRefusee::Illisible),
                "{cut}"
            );
        }
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[0, 0, 0, 13, b'I', b'H']);
        assert_eq!(nettoyer(&png), Err(PhotoRefusee::Illisible));
        let mut no_ihdr = PNG_SIGNATURE.to_vec();
        no_ihdr.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0, 0, 0, 0]);
        assert_eq!(nettoyer(&no_ihdr), Err(PhotoRefusee::Illisible));
    }
}
