import json,sys,collections,glob
f=glob.glob(sys.argv[1])[0]
p=json.load(open(f))
nodes={n['id']:n for n in p['nodes']}
self_t=collections.Counter()
for s,d in zip(p['samples'],p['timeDeltas']): self_t[s]+=d
children={n['id']:n.get('children',[]) for n in p['nodes']}
sys.setrecursionlimit(100000)
memo={}
def incl(i):
    if i in memo: return memo[i]
    t=self_t[i]+sum(incl(c) for c in children[i]); memo[i]=t; return t
root=p['nodes'][0]['id']; incl(root)
agg=collections.Counter(); selfagg=collections.Counter()
def key(i): cf=nodes[i]['callFrame']; return (cf['functionName'] or '(anon)', cf['url'].split('/')[-1], cf['lineNumber'])
def walk(i, stack):
    k=key(i); selfagg[k]+=self_t[i]
    if k not in stack: agg[k]+=memo[i]; stack=stack|{k}
    for c in children[i]: walk(c, stack)
walk(root, frozenset())
tot=memo[root]
print('--- inclusive')
for k,v in agg.most_common(int(sys.argv[2])):
    if k[1]!='index.js': print(f"{v/1000:8.1f} ms {100*v/tot:5.1f}% {k}")
print('--- self')
for k,v in selfagg.most_common(int(sys.argv[3])): print(f"{v/1000:8.1f} ms {100*v/tot:5.1f}% {k}")
