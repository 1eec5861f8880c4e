// Which pages exist, who is offered them, and where each role lands. A navigation entry is also
// current on the pages whose addresses start with one of its `also` prefixes.

export const ROLES = {
  work: ['admin', 'employee'],
  design: ['admin', 'designer'],
  read: ['admin', 'designer', 'auditor'],
  audit: ['admin', 'auditor'],
  all: ['admin', 'designer', 'employee', 'auditor'],
  admin: ['admin'],
};

export const NAV = [
  { href: '/app/tasks', label: 'nav.tasks', roles: ROLES.work, key: 'tasks' },
  { href: '/app/customers', label: 'nav.customers', roles: ROLES.all, key: 'customers' },
  { href: '/app/leads', label: 'nav.leads', roles: ROLES.work, key: 'leads', also: ['/app/leads/'] },
  { href: '/app/opportunities', label: 'nav.opportunities', roles: ROLES.work, key: 'opportunities', also: ['/app/opportunities/'] },
  { href: '/app/pipeline', label: 'nav.pipeline', roles: ROLES.work, key: 'pipeline', also: ['/app/pipeline/'] },
  { href: '/app/complaints', label: 'nav.complaints', roles: ROLES.work, key: 'complaints', also: ['/app/complaints/'] },
  { href: '/app/purchases', label: 'nav.purchases', roles: ROLES.work, key: 'purchases' },
  { href: '/app/loyalty', label: 'nav.loyalty', roles: ROLES.work, key: 'loyalty', also: ['/app/loyalty/'] },
  { href: '/app/processes', label: 'nav.processes', roles: ROLES.design, key: 'processes', also: ['/app/definitions', '/app/compare'] },
  { href: '/app/instances', label: 'nav.instances', roles: ROLES.read, key: 'instances' },
  { href: '/app/journal', label: 'nav.journal', roles: ROLES.audit, key: 'journal' },
  { href: '/app/dashboards', label: 'nav.dashboards', roles: ROLES.all, key: 'dashboards' },
  { href: '/app/lists', label: 'nav.lists', roles: ROLES.admin, key: 'lists' },
  { href: '/app/users', label: 'nav.users', roles: ROLES.admin, key: 'users' },
  { href: '/app/teams', label: 'nav.teams', roles: ROLES.admin, key: 'teams' },
];

const LANDING = { admin: '/app/tasks', employee: '/app/tasks', designer: '/app/processes', auditor: '/app/journal' };

export const ROUTES = [
  { path: '/', redirect: (me) => LANDING[me.role] || '/app/dashboards' },
  { path: '/tasks', title: 'nav.tasks', roles: ROLES.work, view: () => import('./views/tasklist.js') },
  { path: '/tasks/:id', title: 'task.title', roles: ROLES.work, view: () => import('./views/task.js') },
  { path: '/customers', title: 'customers.title', roles: ROLES.all, view: () => import('./views/customers.js') },
  { path: '/customers/import', title: 'import.title', roles: ROLES.work, view: () => import('./views/customer_import.js') },
  { path: '/customers/:id', title: 'customer.title', roles: ROLES.all, view: () => import('./views/customer_page.js') },
  { path: '/leads', title: 'leads.title', roles: ROLES.work, view: () => import('./views/leads.js') },
  { path: '/leads/new', title: 'lead_new.title', roles: ROLES.work, view: () => import('./views/lead_new.js') },
  { path: '/leads/:id', title: 'lead_page.title', roles: ROLES.work, view: () => import('./views/lead_page.js') },
  { path: '/opportunities', title: 'opportunities.title', roles: ROLES.work, view: () => import('./views/opportunities.js') },
  { path: '/opportunities/new', title: 'opportunity_new.title', roles: ROLES.work, view: () => import('./views/opportunity_new.js') },
  { path: '/opportunities/:id', title: 'opportunity_page.title', roles: ROLES.work, view: () => import('./views/opportunity_page.js') },
  { path: '/pipeline', title: 'pipeline.title', roles: ROLES.work, view: () => import('./views/pipeline.js') },
  { path: '/pipeline/stages', title: 'pipeline_stages.title', roles: ROLES.admin, view: () => import('./views/pipeline_stages.js') },
  { path: '/complaints', title: 'complaints.title', roles: ROLES.work, view: () => import('./views/complaints.js') },
  { path: '/complaints/new', title: 'complaint_new.title', roles: ROLES.work, view: () => import('./views/complaint_new.js') },
  { path: '/complaints/:id', title: 'complaint_page.title', roles: ROLES.work, view: () => import('./views/complaint_page.js') },
  { path: '/purchases', title: 'purchases.title', roles: ROLES.work, view: () => import('./views/purchases.js') },
  { path: '/loyalty', title: 'loyalty.title', roles: ROLES.work, view: () => import('./views/loyalty.js') },
  { path: '/loyalty/:id', title: 'loyalty.account_title', roles: ROLES.work, view: () => import('./views/loyalty_page.js') },
  { path: '/processes', title: 'nav.processes', roles: ROLES.design, view: () => import('./views/definitions.js') },
  { path: '/processes/new', title: 'modeler.new_title', roles: ROLES.design, view: () => import('./views/modeler.js') },
  { path: '/processes/:key', title: 'nav.processes', roles: ROLES.design, view: () => import('./views/versions.js') },
  { path: '/processes/:key/start', title: 'start.page_title', roles: ROLES.design, view: () => import('./views/start_instance.js') },
  { path: '/definitions/:id/edit', title: 'modeler.title', roles: ROLES.design, view: () => import('./views/modeler.js') },
  { path: '/compare', title: 'compare.title', roles: ROLES.design, view: () => import('./views/compare.js') },
  { path: '/instances', title: 'nav.instances', roles: ROLES.read, view: () => import('./views/instances.js') },
  { path: '/instances/:id', title: 'instance.title', roles: ROLES.read, view: () => import('./views/instance.js') },
  { path: '/journal', title: 'nav.journal', roles: ROLES.audit, view: () => import('./views/journal.js') },
  { path: '/dashboards', title: 'nav.dashboards', roles: ROLES.all, view: () => import('./views/dashboards.js') },
  { path: '/lists', title: 'lists.title', roles: ROLES.admin, view: () => import('./views/lists.js') },
  { path: '/users', title: 'users.title', roles: ROLES.admin, view: () => import('./views/users.js') },
  { path: '/teams', title: 'teams.title', roles: ROLES.admin, view: () => import('./views/teams.js') },
  { path: '/notifications', title: 'inbox.title', roles: ROLES.all, view: () => import('./views/notifications.js') },
];
