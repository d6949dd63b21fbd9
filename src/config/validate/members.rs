//! Memberships, declared from either side: a container's `members`, or a
//! member's `groups`, `roles` and `tenants`.

use crate::config::raw::Text;
use crate::config::source::{FileId, Loc};
use crate::config::validate::values::IdKind;
use crate::config::validate::{Validator, diags};
use crate::model::desired::Referenced;
use crate::model::state::{Container, Membership, Principal};

/// Where memberships declared on an entity's own side point.
#[derive(Clone, Copy)]
pub(super) enum Side {
    Groups,
    Roles,
    Tenants,
}

impl Validator<'_> {
    /// A container's `members` list of one kind.
    pub(super) fn members(
        &mut self,
        file: FileId,
        container: &Container,
        list: &[Text],
        kind: IdKind,
    ) {
        for text in list {
            let Some(id) = self.id(file, text, kind) else {
                continue;
            };
            if let Some(member) = kind.principal(&id.text) {
                self.membership(container.clone(), member, id.loc);
            }
        }
    }

    /// A member's own list of the containers it belongs to.
    pub(super) fn memberships_of(
        &mut self,
        file: FileId,
        member: &Principal,
        list: &[Text],
        side: Side,
    ) {
        for text in list {
            let kind = match side {
                Side::Groups => IdKind::Group,
                Side::Roles => IdKind::Role,
                Side::Tenants => IdKind::Tenant,
            };
            let Some(id) = self.id(file, text, kind) else {
                continue;
            };
            let container = match side {
                Side::Groups => Container::Group(id.text.into()),
                Side::Roles => Container::Role(id.text.into()),
                Side::Tenants => Container::Tenant(id.text.into()),
            };
            self.membership(container, member.clone(), id.loc);
        }
    }

    fn membership(&mut self, container: Container, member: Principal, loc: Loc) {
        debug_assert!(
            container.accepts(&member),
            "the format only lists valid pairs"
        );
        self.references
            .push((Referenced::Container(container.clone()), loc));
        if matches!(
            member,
            Principal::Group(_) | Principal::Role(_) | Principal::MappingRule(_)
        ) {
            self.references
                .push((Referenced::Principal(member.clone()), loc));
        }
        let edge = Membership { container, member };
        if let Some(first) = self.membership_places.get(&edge).copied() {
            self.push(diags::duplicate_member(loc, &edge, first));
            return;
        }
        self.membership_places.insert(edge.clone(), loc);
        self.state.memberships.insert(edge);
    }
}
