// Every identity endpoint of the simulator, driven through Camunda's official
// SDK with strict request and fanatical response validation, per version.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { versions, startSim, client, now, problem } from './harness.js';

for (const { version, createClient } of versions) {
  describe(`Camunda ${version}`, () => {
    let sim;
    let c;
    before(async () => {
      sim = await startSim(['--camunda-version', version, '--lag-ms', '0', '--auth', 'basic', '--admin-user', 'demo:demo']);
      c = client(createClient, sim.url);
    });
    after(async () => sim?.stop());

    it('answers topology, status, license and the current user', async () => {
      const topology = await c.getTopology();
      assert.equal(topology.gatewayVersion.slice(0, 3), version);
      await c.getStatus();
      const license = await c.getLicense();
      assert.equal(typeof license.validLicense, 'boolean');
      const me = await c.getAuthentication();
      assert.equal(me.username, 'demo');
      assert.deepEqual(me.roles, ['admin']);
      // Through the admin role, a member of the default tenant.
      assert.deepEqual(me.tenants.map((t) => t.tenantId), ['<default>']);
    });

    it('has the default tenant and roles of a fresh cluster', async () => {
      const tenant = await c.getTenant({ tenantId: '<default>' }, now);
      assert.deepEqual(tenant, { tenantId: '<default>', name: 'Default', description: '' });
      const roles = await c.searchRoles({}, now);
      const ids = roles.items.map((r) => r.roleId);
      for (const id of ['admin', 'readonly-admin', 'rpa', 'connectors', 'app-integrations']) {
        assert.ok(ids.includes(id), `${id} in ${ids}`);
      }
      assert.equal(ids.includes('task-worker'), version === '8.9');
      const admin = await c.searchAuthorizations({ filter: { ownerId: 'admin', ownerType: 'ROLE' } }, now);
      assert.equal(admin.page.totalItems, version === '8.8' ? 15 : 20);
    });

    it('creates, reads, searches, updates and deletes groups', async () => {
      const created = await c.createGroup({ groupId: 'eng', name: 'Engineering', description: 'Builders' });
      assert.deepEqual(created, { groupId: 'eng', name: 'Engineering', description: 'Builders' });
      await problem(
        c.createGroup({ groupId: 'eng', name: 'Engineering' }),
        409,
        'ALREADY_EXISTS',
        "Command 'CREATE' rejected with code 'ALREADY_EXISTS': Expected to create group with ID 'eng', but a group with this ID already exists.",
      );
      assert.deepEqual(await c.getGroup({ groupId: 'eng' }, now), created);
      const found = await c.searchGroups({ filter: { groupId: 'eng' } }, now);
      assert.equal(found.page.totalItems, 1);
      const updated = await c.updateGroup({ groupId: 'eng', name: 'Engineers', description: '' });
      assert.equal(updated.name, 'Engineers');
      await c.deleteGroup({ groupId: 'eng' });
      await problem(c.getGroup({ groupId: 'eng' }, now), 404, 'NOT_FOUND', "Group with id 'eng' not found");
      await problem(c.deleteGroup({ groupId: 'eng' }), 404, 'NOT_FOUND');
    });


    it('keeps an audit log of identity changes from 8.9 on', async (t) => {
      if (version === '8.8') {
        t.skip('the audit log is new in 8.9');
        return;
      }
      // The group `eng` of the test above, created, renamed and deleted by demo.
      const log = await c.searchAuditLogs(
        {
          filter: { category: 'ADMIN', entityType: 'GROUP', entityKey: { $in: ['eng'] } },
          sort: [{ field: 'timestamp', order: 'ASC' }],
        },
        now,
      );
      const ops = log.items.filter((e) => e.relatedEntityKey === null).map((e) => e.operationType);
      assert.deepEqual(ops, ['CREATE', 'UPDATE', 'DELETE']);
      for (const e of log.items) {
        assert.equal(e.actorType, 'USER');
        assert.equal(e.actorId, 'demo');
        assert.equal(e.result, 'SUCCESS');
      }
      assert.equal(log.items[0].entityDescription, 'Engineering');
      const one = await c.getAuditLog({ auditLogKey: log.items[0].auditLogKey }, now);
      assert.deepEqual(one, log.items[0]);
      const later = await c.searchAuditLogs(
        { filter: { entityKey: 'eng', timestamp: { $gt: log.items.at(-1).timestamp } } },
        now,
      );
      assert.equal(later.page.totalItems, 0);
    });
    it('creates, reads, searches, updates and deletes roles and tenants', async () => {
      await c.createRole({ roleId: 'operator', name: 'Operator' });
      assert.deepEqual(await c.getRole({ roleId: 'operator' }, now), { roleId: 'operator', name: 'Operator', description: '' });
      assert.equal((await c.updateRole({ roleId: 'operator', name: 'Ops', description: 'x' })).description, 'x');
      assert.equal((await c.searchRoles({ filter: { roleId: 'operator' } }, now)).items[0].name, 'Ops');
      await c.deleteRole({ roleId: 'operator' });

      await c.createTenant({ tenantId: 'finance', name: 'Finance' });
      assert.equal((await c.getTenant({ tenantId: 'finance' }, now)).name, 'Finance');
      await c.updateTenant({ tenantId: 'finance', name: 'Fin', description: 'money' });
      const tenants = await c.searchTenants({ sort: [{ field: 'name', order: 'DESC' }] }, now);
      assert.deepEqual(tenants.items.map((t) => t.tenantId), ['finance', '<default>']);
      await c.deleteTenant({ tenantId: 'finance' });
      await problem(c.getTenant({ tenantId: 'finance' }, now), 404, 'NOT_FOUND', "Tenant with id 'finance' not found");
    });

    it('creates, reads, searches, updates and deletes mapping rules', async () => {
      const rule = { mappingRuleId: 'acct', claimName: 'groups', claimValue: 'accounting', name: 'Accounting' };
      assert.deepEqual(await c.createMappingRule(rule), rule);
      await problem(
        c.createMappingRule({ ...rule, mappingRuleId: 'acct2' }),
        409,
        'ALREADY_EXISTS',
        "Command 'CREATE' rejected with code 'ALREADY_EXISTS': Expected to create mapping rule with claimName 'groups' and claimValue 'accounting', but a mapping rule with this claim already exists.",
      );
      assert.deepEqual(await c.getMappingRule({ mappingRuleId: 'acct' }, now), rule);
      const renamed = await c.updateMappingRule({ mappingRuleId: 'acct', claimName: 'groups', claimValue: 'accounting', name: 'Acct' });
      assert.equal(renamed.name, 'Acct');
      assert.equal((await c.searchMappingRule({ filter: { claimValue: 'accounting' } }, now)).page.totalItems, 1);
      await c.deleteMappingRule({ mappingRuleId: 'acct' });
      await problem(c.getMappingRule({ mappingRuleId: 'acct' }, now), 404, 'NOT_FOUND');
    });

    it('creates, reads, searches, updates and deletes users', async () => {
      const user = await c.createUser({ username: 'alice', password: 's3cret', name: 'Alice', email: 'alice@example.com' }, now);
      assert.deepEqual(user, { username: 'alice', name: 'Alice', email: 'alice@example.com' });
      await problem(c.createUser({ username: 'alice', password: 'x' }, now), 409, 'ALREADY_EXISTS');
      // A created user may read itself: an authorization it owns.
      const own = await c.searchAuthorizations({ filter: { ownerId: 'alice', ownerType: 'USER' } }, now);
      assert.deepEqual(own.items.map((a) => [a.resourceType, a.resourceId, a.permissionTypes]), [['USER', 'alice', ['READ']]]);
      assert.equal((await c.getUser({ username: 'alice' }, now)).email, 'alice@example.com');
      assert.equal((await c.updateUser({ username: 'alice', name: 'Alice A.' }, now)).name, 'Alice A.');
      // Camunda replaces name and e-mail: the e-mail left out is now empty.
      assert.equal((await c.getUser({ username: 'alice' }, now)).email, '');
      const users = await c.searchUsers({ sort: [{ field: 'username' }] }, now);
      assert.deepEqual(users.items.map((u) => u.username), ['alice', 'demo']);
      await problem(c.createAdminUser({ username: 'root', password: 'x' }, now), 403);
      await c.deleteUser({ username: 'alice' }, now);
      await problem(c.getUser({ username: 'alice' }, now), 404, 'NOT_FOUND', "User with username 'alice' not found");
    });

    it('creates, reads, searches, updates and deletes authorizations', async () => {
      const request = {
        ownerId: 'worker',
        ownerType: 'CLIENT',
        resourceId: '*',
        resourceType: 'MESSAGE',
        permissionTypes: ['CREATE'],
      };
      const { authorizationKey } = await c.createAuthorization(request);
      await problem(
        c.createAuthorization(request),
        409,
        'ALREADY_EXISTS',
        "Command 'CREATE' rejected with code 'ALREADY_EXISTS': Expected to create authorization for owner 'worker' for resource identifier '*', but an authorization for this resource identifier already exists.",
      );
      // Disjoint permissions on the same tuple make a second authorization.
      const second = await c.createAuthorization({ ...request, permissionTypes: ['READ'] });
      assert.notEqual(second.authorizationKey, authorizationKey);
      const got = await c.getAuthorization({ authorizationKey }, now);
      assert.equal(got.ownerId, 'worker');
      assert.deepEqual(got.permissionTypes, ['CREATE']);
      if (version === '8.9') assert.equal(got.resourcePropertyName, null);
      await c.updateAuthorization({ authorizationKey, ...request, permissionTypes: ['CREATE', 'READ'] });
      assert.deepEqual((await c.getAuthorization({ authorizationKey }, now)).permissionTypes, ['CREATE', 'READ']);
      const mine = await c.searchAuthorizations({ filter: { ownerId: 'worker', ownerType: 'CLIENT' } }, now);
      assert.equal(mine.page.totalItems, 2);
      await problem(
        c.createAuthorization({ ownerId: 'g', ownerType: 'GROUP', resourceId: '*', resourceType: 'GROUP', permissionTypes: ['CREATE_PROCESS_INSTANCE'] }),
        400,
        'INVALID_ARGUMENT',
        "Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to create authorization with permission types '[CREATE_PROCESS_INSTANCE]' and resource type 'GROUP', but these permissions are not supported. Supported permission types are: '[CREATE, DELETE, READ, UPDATE]'",
      );
      await problem(
        c.createAuthorization({ ...request, ownerType: 'ROLE', ownerId: 'no-such-role' }),
        404,
        'NOT_FOUND',
        /a role with this ID does not exist/,
      );
      await c.deleteAuthorization({ authorizationKey });
      await c.deleteAuthorization({ authorizationKey: second.authorizationKey });
      await problem(c.deleteAuthorization({ authorizationKey }), 404, 'NOT_FOUND');
      if (version === '8.9') {
        const property = await c.createAuthorization({
          ownerId: 'worker', ownerType: 'CLIENT', resourcePropertyName: 'assignee', resourceType: 'USER_TASK', permissionTypes: ['READ', 'CLAIM'],
        });
        const read = await c.getAuthorization({ authorizationKey: property.authorizationKey }, now);
        assert.equal(read.resourcePropertyName, 'assignee');
        assert.equal(read.resourceId, null);
      }
    });

    it('assigns, lists and unassigns every kind of member', async () => {
      await c.createGroup({ groupId: 'team', name: 'Team' });
      await c.createRole({ roleId: 'reader', name: 'Reader' });
      await c.createTenant({ tenantId: 'acme', name: 'Acme' });
      await c.createMappingRule({ mappingRuleId: 'rule', claimName: 'groups', claimValue: 'team', name: 'Rule' });
      await c.createUser({ username: 'bob', password: 'pw' }, now);

      await c.assignUserToGroup({ groupId: 'team', username: 'bob' });
      await c.assignClientToGroup({ groupId: 'team', clientId: 'worker' });
      await c.assignMappingRuleToGroup({ groupId: 'team', mappingRuleId: 'rule' });
      await c.assignRoleToUser({ roleId: 'reader', username: 'bob' });
      await c.assignRoleToClient({ roleId: 'reader', clientId: 'worker' });
      await c.assignRoleToGroup({ roleId: 'reader', groupId: 'team' });
      await c.assignRoleToMappingRule({ roleId: 'reader', mappingRuleId: 'rule' });
      await c.assignUserToTenant({ tenantId: 'acme', username: 'bob' });
      await c.assignClientToTenant({ tenantId: 'acme', clientId: 'worker' });
      await c.assignGroupToTenant({ tenantId: 'acme', groupId: 'team' });
      await c.assignRoleToTenant({ tenantId: 'acme', roleId: 'reader' });
      await c.assignMappingRuleToTenant({ tenantId: 'acme', mappingRuleId: 'rule' });

      await problem(
        c.assignUserToGroup({ groupId: 'team', username: 'bob' }),
        409,
        'ALREADY_EXISTS',
        "Command 'ADD_ENTITY' rejected with code 'ALREADY_EXISTS': Expected to add entity with ID 'bob' to group with ID 'team', but the entity is already assigned to this group.",
      );
      await problem(c.assignMappingRuleToGroup({ groupId: 'team', mappingRuleId: 'nope' }), 404, 'NOT_FOUND');

      assert.deepEqual((await c.searchUsersForGroup({ groupId: 'team' }, now)).items, [{ username: 'bob' }]);
      assert.deepEqual((await c.searchClientsForGroup({ groupId: 'team' }, now)).items, [{ clientId: 'worker' }]);
      assert.equal((await c.searchMappingRulesForGroup({ groupId: 'team' }, now)).items[0].mappingRuleId, 'rule');
      assert.deepEqual((await c.searchRolesForGroup({ groupId: 'team' }, now)).items.map((r) => r.roleId), ['reader']);
      assert.deepEqual((await c.searchUsersForRole({ roleId: 'reader' }, now)).items, [{ username: 'bob' }]);
      assert.deepEqual((await c.searchClientsForRole({ roleId: 'reader' }, now)).items, [{ clientId: 'worker' }]);
      assert.deepEqual((await c.searchGroupsForRole({ roleId: 'reader' }, now)).items, [{ groupId: 'team' }]);
      assert.equal((await c.searchMappingRulesForRole({ roleId: 'reader' }, now)).items[0].claimValue, 'team');
      assert.deepEqual((await c.searchUsersForTenant({ tenantId: 'acme' }, now)).items, [{ username: 'bob' }]);
      assert.deepEqual((await c.searchClientsForTenant({ tenantId: 'acme' }, now)).items, [{ clientId: 'worker' }]);
      assert.deepEqual((await c.searchGroupIdsForTenant({ tenantId: 'acme' }, now)).items, [{ groupId: 'team' }]);
      assert.deepEqual((await c.searchRolesForTenant({ tenantId: 'acme' }, now)).items.map((r) => r.roleId), ['reader']);
      assert.equal((await c.searchMappingRulesForTenant({ tenantId: 'acme' }, now)).items.length, 1);

      await c.unassignUserFromGroup({ groupId: 'team', username: 'bob' });
      await problem(
        c.unassignUserFromGroup({ groupId: 'team', username: 'bob' }),
        404,
        'NOT_FOUND',
        "Command 'REMOVE_ENTITY' rejected with code 'NOT_FOUND': Expected to remove entity with ID 'bob' from group with ID 'team', but the entity is not assigned to this group.",
      );
      await c.unassignClientFromGroup({ groupId: 'team', clientId: 'worker' });
      await c.unassignMappingRuleFromGroup({ groupId: 'team', mappingRuleId: 'rule' });
      await c.unassignRoleFromUser({ roleId: 'reader', username: 'bob' });
      await c.unassignRoleFromClient({ roleId: 'reader', clientId: 'worker' });
      await c.unassignRoleFromGroup({ roleId: 'reader', groupId: 'team' });
      await c.unassignRoleFromMappingRule({ roleId: 'reader', mappingRuleId: 'rule' });
      await c.unassignUserFromTenant({ tenantId: 'acme', username: 'bob' });
      await c.unassignClientFromTenant({ tenantId: 'acme', clientId: 'worker' });
      await c.unassignGroupFromTenant({ tenantId: 'acme', groupId: 'team' });
      await c.unassignRoleFromTenant({ tenantId: 'acme', roleId: 'reader' });
      await c.unassignMappingRuleFromTenant({ tenantId: 'acme', mappingRuleId: 'rule' });
      for (const search of [
        c.searchUsersForGroup({ groupId: 'team' }, now),
        c.searchGroupsForRole({ roleId: 'reader' }, now),
        c.searchRolesForTenant({ tenantId: 'acme' }, now),
        // Missing containers have no members (no 404), as in Camunda.
        c.searchUsersForGroup({ groupId: 'no-such-group' }, now),
        c.searchMappingRulesForRole({ roleId: 'no-such-role' }, now),
      ]) {
        const result = await search;
        assert.equal(result.page.totalItems, 0);
        assert.deepEqual(result.items, []);
      }
    });

    it('pages with cursors and offsets', async () => {
      // Both SDKs' strict request validation rewrite page requests: 8.8.4
      // parses `{limit, after}` as offset pagination and drops `after`;
      // 9.1.5 parses `{from, limit}` as limit-only pagination and drops
      // `from` (their unions try those shapes first). Paging is therefore
      // exercised with request validation off; responses stay fanatically
      // validated.
      const cursorClient = client(createClient, sim.url, undefined, 'req:none,res:fanatical');
      for (let i = 0; i < 12; i++) {
        await c.createGroup({ groupId: `page-${String(i).padStart(2, '0')}`, name: `Page ${i}` });
      }
      const seen = [];
      let after;
      for (;;) {
        const page = await cursorClient.searchGroups(
          { filter: { groupId: { $like: 'page-*' } }, page: after ? { limit: 5, after } : { limit: 5 } },
          now,
        );
        if (page.items.length === 0) break;
        seen.push(...page.items.map((g) => g.groupId));
        after = page.page.endCursor;
      }
      assert.equal(seen.length, 12);
      assert.equal(new Set(seen).size, 12);
      const offset = await cursorClient.searchGroups({ filter: { groupId: { $like: 'page-*' } }, page: { from: 10, limit: 5 } }, now);
      assert.deepEqual(offset.items.map((g) => g.groupId), ['page-10', 'page-11']);
    });

    it('rejects bad requests as Camunda does', async () => {
      await problem(c.createGroup({ groupId: 'a/b', name: 'x' }), 400, 'INVALID_ARGUMENT', /contains illegal characters/);
      await problem(c.createTenant({ tenantId: 'x'.repeat(32), name: 'x' }), 400, 'INVALID_ARGUMENT', /exceeds the limit of 31 characters/);
    });
  });
}
