import Bridge
print(probe())
