import {GoogleGenAI} from '@google/genai';
const ai = new GoogleGenAI({apiKey: process.env.GEMGATE_KEY, httpOptions: {baseUrl: process.env.GEMGATE_URL ?? 'http://localhost:8080'}});
let n = 0, last;
const stream = await ai.models.generateContentStream({model: 'gemini-2.5-flash',
  contents: 'Tell me everything about the history of streaming protocols please', config: {maxOutputTokens: 200}});
for await (const chunk of stream) { n++; last = chunk; }
console.log('js-sdk chunks', n, 'last usage', JSON.stringify(last.usageMetadata), 'sdkHttpResponse cost header', last.sdkHttpResponse?.headers?.['x-gemgate-cost-usd']);
const r = await ai.models.generateContent({model: 'gemini-2.5-flash', contents: 'hello there'});
console.log('js-sdk generate text ok', typeof r.text, 'cost header', r.sdkHttpResponse?.headers?.['x-gemgate-cost-usd']);
