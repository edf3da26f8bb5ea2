import { describe, expect, it } from 'vitest';
import { type Campaign, campaignMessage, devicesOf, progressCsv } from '../../functions/domain/campaigns.ts';
import type { Case } from '../../functions/domain/case.ts';
import { customerSentence } from '../../functions/domain/notice-words.ts';

const campaign: Campaign = {
  campaignId: 'cam3-recall',
  brand: 'acme',
  target: { model: 'Cam 3', firmwares: ['3.1.0'] },
  createdAt: '2026-12-01T00:00:00.000Z',
  createdBy: 'admin@acme.example',
  message: 'Your Cam 3 (serial {serial}) is affected.',
  devices: [
    { serial: 'SN-1', caseId: 'C-1', noticeId: 'n1' },
    { serial: 'SN-2', caseId: 'C-2', noticeId: 'n2' },
    { serial: 'SN-3', caseId: 'C-3', noticeId: 'n3' },
    { serial: 'SN-4', caseId: 'C-4', noticeId: 'n4' },
    { serial: 'SN-5', caseId: 'C-5' },
  ],
};

/** The case a device was told on, with the state of its notice's delivery. */
const toldOn = (noticeId: string, state: 'sent' | 'failed' | 'pending') =>
  ({
    device: { serial: 'x', model: 'Cam 3', firmware: '3.1.0' },
    deliveries: { [noticeId]: { state } },
  }) as unknown as Case;

describe('a campaign device by device', () => {
  it('says where each device got to: the furthest of fixed, shipped, told or unreachable, else targeted', () => {
    const devices = devicesOf(campaign, [
      { told: toldOn('n1', 'sent'), since: [] },
      { told: toldOn('n2', 'failed'), since: [] },
      { told: toldOn('n3', 'failed'), since: [{ status: 'awaiting-diagnosis' }] },
      { told: toldOn('n4', 'sent'), since: [{ status: 'closed', outcome: 'repaired' }] },
      { told: undefined, since: [{ status: 'awaiting-arrival' }] },
    ]);
    expect(devices.map((device) => device.state)).toEqual([
      'told',
      'unreachable',
      'shipped',
      'fixed',
      'targeted',
    ]);
    expect(devices[0]).toEqual({
      serial: 'SN-1',
      model: 'Cam 3',
      firmware: '3.1.0',
      caseId: 'C-1',
      state: 'told',
    });
  });

  it('exports a row per device as RFC 4180 CSV, quoting what needs it and never as a formula', () => {
    const csv = progressCsv([
      { serial: 'SN-1', model: 'Cam 3', firmware: '3.1.0', caseId: 'C-1', state: 'told' },
      { serial: '=HYPERLINK("x")', model: 'Cam, "Pro"', firmware: '', caseId: 'C-2', state: 'targeted' },
    ]);
    expect(csv).toBe(
      'serial,model,firmware,earlier case,state\r\n' +
        'SN-1,Cam 3,3.1.0,C-1,told\r\n' +
        `"'=HYPERLINK(""x"")","Cam, ""Pro""",,C-2,targeted\r\n`,
    );
  });

  it('invites the owner with an absolute link to the portal’s open-case page, their device filled in', () => {
    const message = campaignMessage({ model: 'Cam 3', firmwares: ['3.1.0'] })
      .replace('{serial}', 'SN 1/2')
      .replace('{serialInLink}', encodeURIComponent('SN 1/2'));
    expect(message).toContain('open a repair with us at /open?serial=SN%201%2F2 (your device is filled in)');
    const sentence = customerSentence(
      message,
      'en',
      'UTC',
      'https://portal.example/#/cases/C-1',
      'https://portal.example',
    );
    expect(sentence).toContain(
      'open a repair with us at https://portal.example/#/open?serial=SN+1%2F2 (your',
    );
    // Without the portal's address (no notice being worded), the sentence is left as it is.
    expect(customerSentence(message, 'en', 'UTC', 'x')).toBe(message);
  });
});
