# The line loop of google-genai's HttpResponse._iter_response_stream (google/genai/_api_client.py), over the
# transports it uses: httpx (iter_lines), requests (iter_lines) and aiohttp (content.readline).
import asyncio, json, os, sys
import httpx, requests, aiohttp

KEY = os.environ['GEMGATE_KEY']
URL = os.environ.get('GEMGATE_URL', 'http://localhost:8080') + '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'
BODY = {"contents": [{"parts": [{"text": "Tell me everything about the history of streaming protocols please"}]}],
        "generationConfig": {"maxOutputTokens": 200}}
HEADERS = {'x-goog-api-key': KEY, 'Content-Type': 'application/json'}

def sdk_loop(lines):
    chunk, balance, data_buffer = '', 0, []
    for line in lines:
        if not line:
            if data_buffer:
                yield '\n'.join(data_buffer); data_buffer = []
            continue
        if line.startswith('data: '):
            data_buffer.append(line[len('data: '):]); continue
        for c in line:
            balance += 1 if c == '{' else -1 if c == '}' else 0
        chunk += line
        if balance == 0:
            yield chunk; chunk = ''
    if chunk:
        yield chunk
    if data_buffer:
        yield '\n'.join(data_buffer)

def parse(lines):
    return [json.loads(c) for c in sdk_loop(lines)]

with httpx.Client() as client:
    with client.stream('POST', URL, json=BODY, headers=HEADERS) as r:
        body = b''.join(r.iter_bytes()).decode('utf-8')
# httpx >= 0.28 (what google-genai requires) splits lines as str.splitlines does; Debian's 0.23 has an older
# LineDecoder that yields a stray '\n' for CRLF framing, so the body is split here the 0.28 way.
assert 'x-gemgate-cost-usd' not in body and body.endswith('\r\n\r\n')
chunks = parse(body.splitlines())
print('httpx', httpx.__version__, 'chunks', len(chunks), 'usageMetadata' in chunks[-1], 'trailer not in body')

with requests.post(URL, json=BODY, headers=HEADERS, stream=True) as r:
    chunks = parse(r.iter_lines(decode_unicode=True))
print('requests', requests.__version__, 'chunks', len(chunks))

async def with_aiohttp():
    async with aiohttp.ClientSession() as s:
        async with s.post(URL, json=BODY, headers=HEADERS) as r:
            lines = []
            while True:
                b = await r.content.readline()
                if not b:
                    break
                lines.append(b.decode('utf-8').rstrip())
            return parse(lines)
print('aiohttp', aiohttp.__version__, 'chunks', len(asyncio.run(with_aiohttp())))

# the same loop over a body with an SSE comment line after the last event, as the alternative would have sent it
try:
    parse(['data: {"a":1}', '', ': x-gemgate-cost-usd=0.000028', ''])
    print('comment line: accepted')
except json.JSONDecodeError as e:
    print('comment line: JSONDecodeError (the SDK raises UnknownApiResponseError)', e)
