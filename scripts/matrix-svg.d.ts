/** Types of scripts/matrix-svg.js (the compatibility heatmap), for the tests. */
export type MatrixStatus = 'pass' | 'partly' | 'unsupported' | 'fail' | 'untested';
export interface Matrix {
  readonly backends: readonly string[];
  readonly rows: readonly { readonly member: string; readonly cells: readonly string[] }[];
}
export const STATUSES: readonly { readonly status: MatrixStatus; readonly label: string; readonly fill: string }[];
export function statusOf(text: string): MatrixStatus;
export function renderMatrixSvg(matrix: Matrix & { readonly title?: string }): string;
export function parseMatrixMarkdown(markdown: string): Matrix;
