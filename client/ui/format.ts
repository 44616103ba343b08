const roleNames = { facilitator: 'Facilitator', member: 'Member', viewer: 'Viewer' } as const;

export function roleName(role: keyof typeof roleNames | null | undefined): string {
  return role ? roleNames[role] : 'Not a member';
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return date.format(new Date(iso));
}
