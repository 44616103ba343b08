// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { cleanPastedHtml, type HtmlSanitizer } from './paste.js';

// DOMPurify 3.4.8+ cannot run on happy-dom (it keeps scripts and drops headings there;
// cure53/DOMPurify#1457), so this stand-in only parses, as DOMPurify's RETURN_DOM would, and
// does no sanitising at all: everything these tests see removed, cleanPastedHtml removed itself.
const parseOnly = {
  sanitize: (html: string) => new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html').body,
} as unknown as HtmlSanitizer;
const purify = parseOnly;

/** What Word for Windows puts on the clipboard as text/html (trimmed, but in its real shape). */
const WORD = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=Generator content="Microsoft Word 15">
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings></xml><![endif]-->
<style><!-- /* Style Definitions */ p.MsoNormal {mso-style-unhide:no; font-size:11.0pt; font-family:"Calibri",sans-serif;} --></style>
</head>
<body lang=EN-GB style='tab-interval:36.0pt'>
<!--StartFragment-->
<h1 style='mso-margin-top-alt:auto'><span style='mso-fareast-font-family:"Times New Roman"'>Loneliness in Torbay<o:p></o:p></span></h1>
<p class=MsoNormal><span style='font-size:12.0pt;font-family:"Arial",sans-serif;mso-bidi-font-family:Arial'>Older people <b>living alone</b> are <i style='mso-bidi-font-style:normal'>twice</i> as likely to call 999. See the <a href="https://www.torbay.gov.uk/jsna"><span style='color:#0563C1'>JSNA</span></a> and <a href="javascript:alert(1)">this</a>.<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-fareast-font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>Police welfare calls<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>GP frequent attenders<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><!--[if !supportLists]--><span style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><!--[endif]-->Map the system<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><!--[if !supportLists]--><span style='mso-list:Ignore'>2.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><!--[endif]-->Agree the loops<o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0'><td width=301 valign=top style='width:225.4pt;border:solid windowtext 1.0pt'><p class=MsoNormal><b>Agency<o:p></o:p></b></p></td><td width=301 valign=top style='width:225.4pt'><p class=MsoNormal><b>Perspective<o:p></o:p></b></p></td></tr>
 <tr style='mso-yfti-irow:1'><td width=301 valign=top><p class=MsoNormal>Police<o:p></o:p></p></td><td width=301 valign=top><p class=MsoNormal><font face="Arial">Welfare</font> <span class=SpellE>calls</span><o:p></o:p></p></td></tr>
</table>
<h4>Annex</h4>
<p class=MsoNormal><span lang=EN-US style='mso-ansi-language:EN-US'><o:p>&nbsp;</o:p></span></p>
<script>alert('x')</script>
<p class=MsoNormal onclick="alert(1)">Contact <a href="mailto:lv@torbay.gov.uk">the team</a><o:p></o:p></p>
<!--EndFragment-->
</body></html>`;

/** What Google Docs puts on the clipboard: a fake <b> around everything, bold by style. */
const GOOGLE = `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b3c4d-7fff-1234-5678-9abcdef01234"><h2 dir="ltr" style="line-height:1.38;margin-top:18pt;margin-bottom:6pt;"><span style="font-size:16pt;font-family:Arial;color:#000000;background-color:transparent;font-weight:400;font-style:normal;vertical-align:baseline;white-space:pre-wrap;">Actions</span></h2><ul style="margin-top:0;margin-bottom:0;padding-inline-start:48px;"><li dir="ltr" style="list-style-type:disc;font-size:11pt;" aria-level="1"><p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;" role="presentation"><span style="font-size:11pt;font-family:Arial;font-weight:700;font-style:normal;">Book</span><span style="font-size:11pt;font-family:Arial;font-weight:400;font-style:italic;"> the venue</span></p></li></ul><br></b>`;

describe('cleaning pasted HTML', () => {
  const word = cleanPastedHtml(WORD, purify);

  it('drops Word cruft: conditional comments, o:p, styles, classes, fonts, spans, scripts', () => {
    for (const cruft of ['<o:p', 'mso-', 'class=', 'style=', '<span', '<font', '<!--', '<script', 'alert', 'onclick', 'OfficeDocumentSettings', 'Style Definitions', 'Symbol', '<meta', 'width=']) {
      expect(word, cruft).not.toContain(cruft);
    }
  });

  it('keeps headings, bold and italic, safe links; unwraps unsafe ones', () => {
    expect(word).toContain('<h1>Loneliness in Torbay</h1>');
    expect(word).toMatch(/Older people <b>living alone<\/b> are <i>twice<\/i> as likely/);
    expect(word).toContain('<a href="https://www.torbay.gov.uk/jsna">JSNA</a>');
    expect(word).toContain('and this.');
    expect(word).not.toContain('javascript:');
    expect(word).toContain('<a href="mailto:lv@torbay.gov.uk">the team</a>');
    expect(word).toContain('<h4>Annex</h4>');
  });

  it('turns Word list paragraphs into real bulleted and numbered lists, without their markers', () => {
    expect(word).toMatch(/<ul><li>Police welfare calls<\/li><li>GP frequent attenders<\/li><\/ul>/);
    expect(word).toMatch(/<ol><li>Map the system<\/li><li>Agree the loops<\/li><\/ol>/);
  });

  it('keeps tables with their text, and removes empty paragraphs', () => {
    expect(word).toMatch(/<table><tbody><tr><td><p><b>Agency<\/b><\/p><\/td>/);
    expect(word).toMatch(/<td><p>Welfare calls<\/p><\/td>/);
    expect(word).not.toMatch(/<p>\s*<\/p>/);
  });

  it('reads Google Docs: no fake bold around everything, bold and italic from styles', () => {
    const google = cleanPastedHtml(GOOGLE, purify);
    expect(google).toBe('<h2>Actions</h2><ul><li><p><strong>Book</strong><em> the venue</em></p></li></ul><br>');
  });

  it('keeps only its allow-list even when nothing sanitised before it', () => {
    const hostile = `<p>a<img src=x onerror="alert(1)"><object data="x.swf"><embed src="x.swf"></object><svg onload="alert(1)"><text>s</text></svg><a href="data:text/html,x">d</a><a href=" JAVASCRIPT:alert(1)">j</a><a href="HTTPS://ok.example" target="_blank" onmouseover="x()">ok</a><table><tr><td colspan="2" style="x" onclick="x()">c</td></tr></table></p>`;
    const clean = cleanPastedHtml(hostile, purify);
    expect(clean).not.toMatch(/alert|object|embed|svg|<img|data:|javascript|onmouseover|onclick|target|style/i);
    expect(clean).toContain('<a href="HTTPS://ok.example">ok</a>');
    expect(clean).toContain('<td colspan="2">c</td>');
    expect(clean).toMatch(/dj/);
  });
});
