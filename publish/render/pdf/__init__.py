"""publish.render.pdf"""
