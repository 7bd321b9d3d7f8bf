//! Who to call on screen: the `@` overlay and the step's owner beside the
//! step and in its detail, at 80x24 and 40x12.

use super::*;

const SMALL: [(u16, u16); 2] = [(80, 24), (40, 12)];

/// The data-breach drill (its steps name their owners), at `w`x`hgt`.
fn breach(w: u16, hgt: u16) -> Harness {
    sized(Harness::drill_of("data-breach"), w, hgt)
}

/// The overlay cut out of the frame; at 40 columns it takes the whole
/// width, its corners on the panes' own, so the whole frame is shown.
fn cut(h: &Harness, w: u16, hgt: u16) -> (Buffer, Rect, String) {
    if w > 40 {
        return dialog(h, w, hgt);
    }
    let full = frame(&h.state, w, hgt);
    let s = serialise(&full, full.area, "frame");
    (full.clone(), full.area, s)
}

/// `@`: the roles with primary and backup, then the contact groups,
/// headings in the heading style; scrolled to its end with `j`; closed
/// by Esc and by `@` again.
#[test]
fn contacts_overlay_at_80x24_and_40x12() {
    for (w, hgt) in SMALL {
        let mut h = breach(w, hgt);
        h.key(KeyCode::Char('@'));
        assert!(matches!(
            h.state.ui.modal,
            Some(Modal::Contacts { scroll: 0 })
        ));
        let (full, r, s) = cut(&h, w, hgt);
        assert!(s.contains("Who to call"), "{s}");
        assert!(s.contains("Roles"), "{s}");
        assert_eq!(style_of(&full, r, "Roles").2 & BOLD, BOLD, "{s}");
        assert!(s.contains("Incident Commander (ic)"), "{s}");
        insta::assert_snapshot!(format!("contacts_overlay_{w}x{hgt}"), s);
        // Scrolled to the end: the last group, whom each severity pages,
        // is there.
        for _ in 0..200 {
            h.key(KeyCode::Char('j'));
        }
        let (_, _, s) = cut(&h, w, hgt);
        assert!(s.contains("Regular ticket queue"), "{s}");
        insta::assert_snapshot!(format!("contacts_overlay_end_{w}x{hgt}"), s);
        h.key(KeyCode::Esc);
        assert!(h.state.ui.modal.is_none());
        h.key(KeyCode::Char('@'));
        h.key(KeyCode::Char('@'));
        assert!(h.state.ui.modal.is_none(), "@ again closes it");
    }
}

/// A hostile contact is shown inert: no escape reaches the terminal.
#[test]
fn contacts_are_sanitised() {
    let mut h = breach(80, 24);
    let mut pb = (*h.state.ctx.playbook).clone();
    pb.contacts[0].name = "Evil\u{1b}]52;c;aGk=\u{7}".into();
    h.state.ctx.playbook = std::sync::Arc::new(pb);
    h.key(KeyCode::Char('@'));
    let (_, _, s) = dialog(&h, 80, 24);
    assert!(!s.contains('\u{1b}'), "{s}");
    assert!(s.contains("Evil"), "{s}");
}

/// The checklist pane alone: the owner beside each step that names one
/// where the width allows (80 columns), dropped before the title is cut
/// (40 columns); the selected step's detail names the owner and how to
/// reach them at both widths.
#[test]
fn checklist_owner_beside_the_step_and_in_its_detail() {
    for (w, hgt) in SMALL {
        let mut h = breach(w, hgt);
        h.select_step("quarantine-pod");
        let buf = pane_alone(&h.state, Pane::Checklist, w, hgt);
        let s = serialise(&buf, buf.area, "checklist pane");
        if w >= 80 {
            assert!(s.contains("@security-lead"), "{s}");
        } else {
            assert!(!s.contains("@security-lead"), "{s}");
        }
        insta::assert_snapshot!(format!("checklist_owner_{w}x{hgt}"), s);
    }
    // The detail at 80x24 (at 40x12 it has two rows: the command first).
    let mut h = breach(80, 24);
    h.select_step("quarantine-pod");
    let buf = pane_alone(&h.state, Pane::Checklist, 80, 24);
    let s = serialise(&buf, buf.area, "checklist pane");
    assert!(
        s.contains("risk: change  owner: Security Lead [CISO / backup Security Engineer] ·"),
        "{s}"
    );
    assert!(
        s.contains("+1-XXX-XXX-XXXX, security@dicps.example.com (24/7)"),
        "{s}"
    );
}
