/**
 * A strict reader for the HTML documents CareLoop writes itself (the patient pages): it builds a
 * small element tree and lists what a validator would object to, and what would leave a control
 * without a name for a screen reader. Strict where our markup is regular (every attribute value
 * double-quoted, only the entities html.ts writes); not a general HTML parser.
 */

export interface Element {
  tag: string;
  attributes: Map<string, string>;
  children: (Element | string)[];
  parent: Element | undefined;
}

const VOID = new Set(['meta', 'br', 'input', 'img', 'link', 'hr']);
/** Their content is text up to their end tag. */
const TEXT_ONLY = new Set(['title', 'style']);
const PHRASING_ONLY = new Set(['p', 'h1', 'h2', 'h3', 'legend', 'dt', 'label', 'button', 'span', 'strong', 'a']);
const FLOW = new Set(['div', 'p', 'ul', 'ol', 'dl', 'form', 'fieldset', 'h1', 'h2', 'h3', 'main', 'section', 'table']);
const INTERACTIVE = new Set(['a', 'button', 'input', 'label', 'select', 'textarea']);
const INLINE = new Set(['a', 'span', 'strong', 'em', 'b', 'i', 'u']);
const ENTITY = /&(?:amp|lt|gt|quot|#39|#\d+|#x[0-9a-f]+);/gi;

export interface ParsedDocument {
  root: Element;
  /** Syntax and structure problems; empty for a sound document. */
  problems: string[];
}

export function parseDocument(source: string): ParsedDocument {
  const problems: string[] = [];
  const root: Element = { tag: '#document', attributes: new Map(), children: [], parent: undefined };
  let current = root;
  let rest = source;
  if (!rest.startsWith('<!DOCTYPE html>')) problems.push('no <!DOCTYPE html> at the start');
  rest = rest.replace(/^<!DOCTYPE html>/, '');
  const text = (value: string) => {
    if (/[<>]/.test(value)) problems.push(`unescaped < or > in text: ${JSON.stringify(value.slice(0, 60))}`);
    const stray = value.replace(ENTITY, '').match(/&\S*/);
    if (stray) problems.push(`stray & in text: ${JSON.stringify(stray[0].slice(0, 20))}`);
    if (value.trim()) current.children.push(value);
  };
  while (rest.length > 0) {
    const open = rest.indexOf('<');
    if (open < 0) {
      text(rest);
      break;
    }
    if (open > 0) text(rest.slice(0, open));
    rest = rest.slice(open);
    const end = /^<\/([a-z][a-z0-9]*)\s*>/.exec(rest);
    if (end) {
      const tag = end[1]!;
      if (current.tag !== tag) problems.push(`</${tag}> closes <${current.tag}>`);
      else current = current.parent ?? root;
      rest = rest.slice(end[0].length);
      continue;
    }
    const start = /^<([a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9:-]*(?:="[^"]*")?)*)\s*(\/?)>/.exec(rest);
    if (!start) {
      problems.push(`cannot read a tag at ${JSON.stringify(rest.slice(0, 60))}`);
      break;
    }
    const [whole, tag = '', attributeText = '', selfClosing] = start;
    const element: Element = { tag, attributes: new Map(), children: [], parent: current };
    for (const [, name = '', value] of attributeText.matchAll(/\s+([a-z][a-z0-9:-]*)(?:="([^"]*)")?/g)) {
      if (element.attributes.has(name)) problems.push(`<${tag}> repeats ${name}`);
      if (value !== undefined && (/[<>]/.test(value) || /&/.test(value.replace(ENTITY, ''))))
        problems.push(`<${tag} ${name}> has an unescaped character: ${JSON.stringify(value.slice(0, 60))}`);
      element.attributes.set(name, decode(value ?? ''));
    }
    if (selfClosing && !VOID.has(tag)) problems.push(`<${tag} /> is not a void element`);
    current.children.push(element);
    rest = rest.slice(whole.length);
    if (TEXT_ONLY.has(tag)) {
      const close = rest.indexOf(`</${tag}>`);
      if (close < 0) {
        problems.push(`<${tag}> is not closed`);
        break;
      }
      element.children.push(rest.slice(0, close));
      rest = rest.slice(close + tag.length + 3);
    } else if (!VOID.has(tag)) current = element;
  }
  if (current !== root) problems.push(`<${current.tag}> is not closed`);
  problems.push(...structureProblems(root));
  return { root, problems };
}

function decode(value: string): string {
  return value.replace(ENTITY, (entity) => {
    const named: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
    if (named[entity.toLowerCase()]) return named[entity.toLowerCase()]!;
    const hex = /^&#x/i.test(entity);
    return String.fromCodePoint(parseInt(entity.slice(hex ? 3 : 2, -1), hex ? 16 : 10));
  });
}

export function elements(root: Element, predicate: (element: Element) => boolean = () => true): Element[] {
  const out: Element[] = [];
  const walk = (element: Element) => {
    for (const child of element.children)
      if (typeof child !== 'string') {
        if (predicate(child)) out.push(child);
        walk(child);
      }
  };
  walk(root);
  return out;
}

export function byTag(root: Element, tag: string): Element[] {
  return elements(root, (element) => element.tag === tag);
}

/** The element's text, entities decoded, white space collapsed (aria-hidden parts left out when asked). */
export function textOf(element: Element, { accessible = false } = {}): string {
  const parts: string[] = [];
  const walk = (node: Element | string) => {
    if (typeof node === 'string') parts.push(decode(node));
    else if (!(accessible && node.attributes.get('aria-hidden') === 'true')) {
      // Blocks and controls stand apart as they do on screen; inline elements run on with their text.
      const apart = !INLINE.has(node.tag);
      if (apart) parts.push(' ');
      node.children.forEach(walk);
      if (apart) parts.push(' ');
    }
  };
  walk(element);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

export function ancestors(element: Element): Element[] {
  const out: Element[] = [];
  for (let node = element.parent; node; node = node.parent) out.push(node);
  return out;
}

const elementChildren = (element: Element) => element.children.filter((c): c is Element => typeof c !== 'string');

/** The text that names a form control: its label's (by `for` or around it). */
export function labelOf(root: Element, control: Element): string | undefined {
  const id = control.attributes.get('id');
  const byFor = id ? byTag(root, 'label').find((label) => label.attributes.get('for') === id) : undefined;
  const around = ancestors(control).find((node) => node.tag === 'label');
  const label = byFor ?? around;
  return label ? textOf(label, { accessible: true }) : undefined;
}

/** The legend of the fieldset a control is in, when it is in one. */
export function legendOf(control: Element): string | undefined {
  const fieldset = ancestors(control).find((node) => node.tag === 'fieldset');
  const legend = fieldset ? elementChildren(fieldset)[0] : undefined;
  return legend?.tag === 'legend' ? textOf(legend) : undefined;
}

function structureProblems(root: Element): string[] {
  const problems: string[] = [];
  const all = elements(root);
  const html = elementChildren(root);
  if (html.length !== 1 || html[0]!.tag !== 'html') problems.push('the document is not one <html> element');
  else {
    if (!html[0]!.attributes.get('lang')) problems.push('<html> has no lang');
    const [head, body] = elementChildren(html[0]!);
    if (head?.tag !== 'head' || body?.tag !== 'body') problems.push('<html> is not <head> then <body>');
    if (head && !byTag(head, 'title').some((title) => textOf(title) !== ''))
      problems.push('no <title> with text in <head>');
    if (head && !byTag(head, 'meta').some((meta) => meta.attributes.get('charset') === 'utf-8'))
      problems.push('no <meta charset="utf-8">');
  }
  if (byTag(root, 'h1').length !== 1) problems.push(`${byTag(root, 'h1').length} <h1> elements, not one`);
  const ids = all.map((element) => element.attributes.get('id')).filter((id): id is string => id !== undefined);
  for (const id of new Set(ids)) {
    if (ids.filter((other) => other === id).length > 1) problems.push(`id "${id}" is used twice`);
    if (!/^[A-Za-z][\w-]*$/.test(id)) problems.push(`id "${id}" is not a plain name`);
  }
  for (const element of all) {
    const { tag, parent } = element;
    const kids = elementChildren(element);
    const inside = ancestors(element).map((node) => node.tag);
    if (PHRASING_ONLY.has(tag))
      for (const kid of kids) if (FLOW.has(kid.tag)) problems.push(`<${kid.tag}> inside <${tag}>`);
    if ((tag === 'button' || tag === 'a') && kids.some((kid) => INTERACTIVE.has(kid.tag)))
      problems.push(`interactive content inside <${tag}>`);
    if (tag === 'label' && inside.includes('label')) problems.push('<label> inside <label>');
    if (tag === 'form' && inside.includes('form')) problems.push('<form> inside <form>');
    if ((tag === 'ul' || tag === 'ol') && kids.some((kid) => kid.tag !== 'li'))
      problems.push(`<${tag}> holds a non-<li>`);
    if (tag === 'li' && parent?.tag !== 'ul' && parent?.tag !== 'ol') problems.push('<li> outside a list');
    if (tag === 'dl' && kids.some((kid) => kid.tag !== 'div' && kid.tag !== 'dt' && kid.tag !== 'dd'))
      problems.push('<dl> holds other than <div>, <dt>, <dd>');
    if (tag === 'div' && parent?.tag === 'dl' && kids.some((kid) => kid.tag !== 'dt' && kid.tag !== 'dd'))
      problems.push('a <dl> group holds other than <dt>, <dd>');
    if ((tag === 'dt' || tag === 'dd') && parent?.tag !== 'dl' && parent?.parent?.tag !== 'dl')
      problems.push(`<${tag}> outside a <dl>`);
    if (tag === 'fieldset' && (kids[0]?.tag !== 'legend' || textOf(kids[0]) === ''))
      problems.push('<fieldset> without a <legend> first');
    if (tag === 'legend' && (parent?.tag !== 'fieldset' || element !== elementChildren(parent)[0]))
      problems.push('<legend> not first in a <fieldset>');
    if (tag === 'label') {
      const target = element.attributes.get('for');
      const controls = elements(element, (kid) => kid.tag === 'input');
      if (target !== undefined && !all.some((other) => other.tag === 'input' && other.attributes.get('id') === target))
        problems.push(`<label for="${target}"> names no control`);
      if (target !== undefined && controls.some((control) => control.attributes.get('id') !== target))
        problems.push(`<label for="${target}"> wraps another control`);
    }
    if (tag === 'input') {
      const type = element.attributes.get('type');
      if (type !== 'hidden' && !labelOf(root, element))
        problems.push(`<input name="${element.attributes.get('name')}"> has no label`);
      if (type === 'radio' && !legendOf(element))
        problems.push(`radio "${element.attributes.get('name')}" is not in a fieldset with a legend`);
      if (!inside.includes('form')) problems.push('<input> outside a <form>');
    }
    if (tag === 'button') {
      if (!inside.includes('form')) problems.push('<button> outside a <form>');
      if (element.attributes.get('type') !== 'submit') problems.push('<button> without type="submit"');
      if (textOf(element, { accessible: true }) === '') problems.push('<button> without text');
    }
    if (tag === 'a' && (!element.attributes.get('href') || textOf(element) === ''))
      problems.push('<a> without href or text');
  }
  return problems;
}
