// A figure reported without a pass/fail goal: the issue asks for the number itself (goal "report").
import { figure, type Figure } from '../support/figures';

export function reported(f: { name: string; value: number; unit: string }): Figure {
  return { ...figure(f), goal: 'report' };
}
