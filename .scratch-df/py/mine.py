import json,sys,collections,glob
f=glob.glob(sys.argv[1])[0]
p=json.load(open(f))
nodes={n['id']:n for n in p['nodes']}
self_t=collections.Counter()
for s,d in zip(p['samples'],p['timeDeltas']): self_t[s]+=d
agg=collections.Counter()
for i,t in self_t.items():
    cf=nodes[i]['callFrame']
    if 'loader-' in cf['url'] and cf['lineNumber']>5900: agg[(cf['functionName'] or '(anon)', cf['lineNumber'])]+=t
    elif cf['url']=='' and cf['functionName'].startswith('RegExp'): agg[('regexp', 0)]+=t
tot=sum(self_t.values())
s=0
for k,v in agg.most_common(40): s+=v; print(f"{v/1000:8.1f} ms {100*v/tot:5.1f}% {k}")
print('sum', s/1000)
