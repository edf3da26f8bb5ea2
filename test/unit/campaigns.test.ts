import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../functions/api/problem.ts';
import {
  type Campaign,
  CampaignRequest,
  campaignMessage,
  campaignWords,
  devicesOf,
  offerFor,
  progressCsv,
} from '../../functions/domain/campaigns.ts';
import type { Case } from '../../functions/domain/case.ts';
import type { BrandPolicy } from '../../functions/domain/policy.ts';

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

  it('offers a prepaid label, or a visit for a family the brand visits, with nothing for the owner to fill in', () => {
    const policy = {
      catalogue: [
        { model: 'Cam 3', family: 'cameras' },
        { model: 'Fridge 9', family: 'fridges' },
      ],
      onSiteFamilies: ['fridges'],
    } as unknown as BrandPolicy;
    expect(offerFor('Cam 3', policy)).toBe('label');
    expect(offerFor('Fridge 9', policy)).toBe('visit');
    expect(offerFor('Not listed', policy)).toBe('label');
    const target = { model: 'Cam 3', firmwares: ['3.1.0', '3.1.1'] };
    expect(campaignMessage(target, 'label').replace('{serial}', 'SN-1')).toBe(
      'Your Cam 3 (serial SN-1) is affected by a known issue with Cam 3 on firmware 3.1.0 or 3.1.1. We fix it at no charge and opened this repair case for it, so there is nothing for you to fill in: we send you a prepaid shipping label for it in our next message.',
    );
    expect(campaignMessage(target, 'visit')).toContain('we offer you windows for a technician’s visit');
    expect(campaignWords('cam3-recall', target)).toBe(
      'service campaign cam3-recall for a known issue with Cam 3 on firmware 3.1.0 or 3.1.1',
    );
  });

  it('names every missing or invalid field of a campaign request at once, each by its path', () => {
    const errors = (body: unknown) => {
      const parsed = CampaignRequest.safeParse(body);
      return parsed.success
        ? []
        : fieldErrors(parsed.error, '#')
            .map((error) => error.pointer)
            .sort();
    };
    expect(errors({})).toEqual(['#/campaignId', '#/firmwares', '#/model']);
    expect(errors({ campaignId: 'x', model: '', firmwares: [], serialFrom: 'A', colour: 'red' })).toEqual([
      '#/campaignId',
      '#/colour',
      '#/firmwares',
      '#/model',
      '#/serialTo',
    ]);
    // A known issue names its model and firmwares: giving them too is a mistake, named field by field.
    expect(
      errors({ campaignId: 'cam3-recall', knownIssueId: 'KI-0123', model: 'Cam 3', serialTo: 'Z' }),
    ).toEqual(['#/knownIssueId', '#/model', '#/serialTo']);
    expect(errors({ campaignId: 'cam3-recall', knownIssueId: 'KI-0123456789AB' })).toEqual([]);
    expect(
      errors({ campaignId: 'cam3-recall', model: 'Cam 3', firmwares: ['3.1.0'], serialTo: 'Z' }),
    ).toEqual(['#/serialFrom']);
    expect(errors(null)).toEqual(['#']);
  });
});
