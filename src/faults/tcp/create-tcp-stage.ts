/** The stage for each TCP toxic type. */
import type { TcpToxicType, ToxicAttributes } from '../toxic-types.ts';
import { BandwidthStage } from './bandwidth-stage.ts';
import { LatencyStage } from './latency-stage.ts';
import { LimitDataStage } from './limit-data-stage.ts';
import { LossStage } from './loss-stage.ts';
import { ResetPeerStage } from './reset-peer-stage.ts';
import { SlicerStage } from './slicer-stage.ts';
import { SlowCloseStage } from './slow-close-stage.ts';
import type { StageContext, TcpStage } from './tcp-stage.ts';
import { TimeoutStage } from './timeout-stage.ts';

const STAGES: Record<TcpToxicType, new (ctx: StageContext, attributes: ToxicAttributes) => TcpStage> = {
  latency: LatencyStage,
  bandwidth: BandwidthStage,
  slow_close: SlowCloseStage,
  timeout: TimeoutStage,
  reset_peer: ResetPeerStage,
  slicer: SlicerStage,
  limit_data: LimitDataStage,
  loss: LossStage,
};

export function createTcpStage(type: TcpToxicType, ctx: StageContext, attributes: ToxicAttributes): TcpStage {
  return new STAGES[type](ctx, attributes);
}
