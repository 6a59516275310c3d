import { describe, expect, it } from 'vitest';
import { writerFor } from '../src/sequence.js';

describe('the C drop sequence', () => {
  const groupsLine = (gid: string): string => writerFor('c').dropSequence({ uid: '1000', gid }).split('\n').find((l) => l.includes('setgroups'))!;

  it('passes setgroups() the address of the variable that holds the group', () => {
    expect(groupsLine('pw->pw_gid')).toContain('setgroups(1, &pw->pw_gid)');
    expect(groupsLine('&gid')).toContain('setgroups(1, &gid)');
  });

  it('passes a value without an address (a number, a macro, a call) as a one-element array, never `&1000`', () => {
    expect(groupsLine('1000')).toContain('setgroups(1, (gid_t[]){ 1000 })');
    expect(groupsLine('NOBODY_GID')).toContain('setgroups(1, (gid_t[]){ NOBODY_GID })');
    expect(groupsLine('getgid()')).toContain('setgroups(1, (gid_t[]){ getgid() })');
  });
});
