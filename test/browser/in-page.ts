/**
 * Functions that `page.evaluate` runs inside Chromium. The project is typed for Node (no DOM
 * lib), so the few DOM members they use are declared here, for this file only.
 */
interface Box {
  left: number;
  right: number;
  width: number;
  height: number;
}
interface Element {
  outerHTML: string;
  scrollWidth: number;
  clientWidth: number;
  value?: string;
  getBoundingClientRect(): Box;
}
interface Canvas {
  getContext(kind: '2d'): { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void; getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}
declare const document: {
  activeElement: Element | null;
  documentElement: Element;
  body: Element;
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
};

/** The markup and every input's value (which the markup does not carry), to look for tokens in. */
export function everythingShown(): string {
  return [document.documentElement.outerHTML, ...Array.from(document.querySelectorAll('input, textarea'), (e) => e.value ?? '')].join('\n');
}

/** Whether the body scrolls sideways, and whether the element lies inside the viewport's width. */
export function layoutOf(selector: string): { scrollsSideways: boolean; inside: boolean } {
  const width = document.documentElement.clientWidth;
  const box = document.querySelector(selector)?.getBoundingClientRect();
  return {
    scrollsSideways: document.documentElement.scrollWidth > width || document.body.scrollWidth > width,
    inside: box !== undefined && box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= width + 0.5,
  };
}

/** Paints the page's canvas red and reads a pixel back: the 2D canvas the charts draw on works. */
export function paintsCanvas(): boolean {
  const ctx = (document.querySelector('canvas') as unknown as Canvas | null)?.getContext('2d');
  if (!ctx) return false;
  ctx.fillStyle = '#c00';
  ctx.fillRect(0, 0, 20, 20);
  return ctx.getImageData(10, 10, 1, 1).data[0] === 0xcc;
}

/** Whether the element has the keyboard focus. */
export function hasFocus(element: unknown): boolean {
  return element === document.activeElement;
}
